import { RequestContext } from '@mikro-orm/core';
import { PgBoss, fromPglite, type CommandResponse, type Job, type Queue } from 'pg-boss';
import type { DatabaseConfig, JobsConfig } from '../config';
import { pgliteClientOf, type EntityManager } from '../db/orm';
import { JOBS_SCHEMA, JobsRepository } from './jobs.repository';
import type { Logger } from '../shared/logger';
import type { JobRunCounter } from '../shared/metrics';
import { currentTraceContext, tracedLinked } from '../shared/telemetry';

/** The states of a job, as pg-boss names them; `failed` is the dead-letter state (retries used up). */
export const JOB_STATES = ['created', 'retry', 'active', 'completed', 'cancelled', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** Suffix of a queue's dead-letter queue: a failed job's copy is kept there for the operators. */
const DEAD_LETTER_SUFFIX = '.dead';

/** One kind of background work: a queue, what a job of it does and, for periodic work, when it runs. */
export interface JobDefinition {
  /** The queue's name (kebab-case). */
  name: string;
  /** A cron expression (UTC) for periodic work: pg-boss creates one job per occurrence across every instance. */
  cron?: string;
  /** Does the work; runs inside its own unit of work (the root EntityManager resolves to a fork). Its value is kept as the job's output. */
  run(data: Record<string, unknown>): Promise<unknown>;
}

/** A job as the admin view shows it. */
export interface JobSummary {
  id: string;
  queue: string;
  state: JobState;
  retryCount: number;
  retryLimit: number;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  /** The handler's result, or the error of the last attempt for a failed job. */
  output: unknown;
}

/** A queue's figures for the metrics, read from pg-boss's tables (the same on every instance). */
export interface QueueFigures {
  queue: string;
  /** Jobs due to run and not yet taken (new, or waiting for a retry whose backoff has passed). */
  waiting: number;
  /** Seconds since the oldest waiting job became due; 0 when none waits. */
  oldestWaitingSeconds: number;
  /** Jobs in the dead-letter state (retries used up). */
  failed: number;
}

/**
 * Key of a job's data holding the trace context of the span that queued it (a request's), so the job's span links to
 * it; the runner adds and removes it, a job's `run` never sees it.
 */
const TRACE_CONTEXT_KEY = 'traceContext';

/** Where pg-boss finds the database: its own pool on PostgreSQL, the app's one connection on embedded PGlite. */
export type JobsDatabase = { kind: 'postgresql'; url: string } | { kind: 'pglite'; em: EntityManager };

/** What a run of {@link JobRunner.start} does besides accepting jobs. */
export interface StartOptions {
  /** Run the workers and the schedules here (the app by default; `npm run worker` when JOBS_IN_APP=false). */
  workers: boolean;
}

const FINISHED: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);

/**
 * The app's one job runner, on pg-boss (a queue in PostgreSQL tables): jobs are rows, so they survive a crash and are
 * taken by one worker of one instance (SKIP LOCKED); periodic work is a pg-boss schedule, which every instance may
 * register and which still creates one job per occurrence. Failed attempts are retried with exponential backoff; a
 * job whose retries are used up stays `failed` (and a copy goes to its queue's dead-letter queue) until an admin
 * retries or discards it.
 *
 * On embedded PGlite pg-boss shares the app's single connection. The PGlite driver holds that connection exclusively
 * during an app transaction, so pg-boss calls must never be awaited inside `Transactions.run` (they would wait for the
 * transaction that waits for them).
 */
export class JobRunner {
  private boss: PgBoss | null = null;
  private readonly definitions = new Map<string, JobDefinition>();
  private workersRunning = false;
  private readonly store = new JobsRepository(() => this.started().getDb());

  constructor(
    private readonly database: JobsDatabase,
    private readonly config: JobsConfig,
    private readonly em: EntityManager,
    private readonly logger: Logger,
    private readonly runs?: JobRunCounter,
  ) {}

  /** Declares a kind of work; call before {@link start}. */
  define(definition: JobDefinition): void {
    if (this.definitions.has(definition.name)) throw new Error(`job ${definition.name} is defined twice`);
    this.definitions.set(definition.name, definition);
  }

  /** The names of the defined queues. */
  get queues(): string[] {
    return [...this.definitions.keys()];
  }

  /**
   * Connects (installing or upgrading pg-boss's schema when needed), creates the queues with their retry policy and,
   * with `workers`, registers the schedules and starts working.
   */
  async start({ workers }: StartOptions): Promise<void> {
    if (this.boss) return;
    const boss = new PgBoss({
      ...(await connectionOf(this.database, this.config.poolMax)),
      schema: JOBS_SCHEMA,
      // Schedules, maintenance and supervision are the workers' business: an app that only sends jobs stays quiet.
      schedule: workers,
      supervise: workers,
      // LISTEN/NOTIFY wakes workers at once on PostgreSQL. On embedded PGlite it stalled the app's requests behind
      // pg-boss's listener on the one shared connection (tests/integration/access-by-route.test.ts timed out), so the
      // workers there find new jobs by polling (JOBS_POLLING_INTERVAL_SECONDS).
      useListenNotify: this.database.kind === 'postgresql',
    });
    boss.on('error', (error: unknown) => this.logger.warn({ err: error }, 'job runner error'));
    await boss.start();
    this.boss = boss;
    // Each queue's statements wait for the previous one (its dead-letter queue exists first), but the queues do not
    // wait for each other: their round trips overlap, which shortens the app's start (docs/operations.md).
    const definitions = [...this.definitions.values()];
    await Promise.all(
      definitions.map(async (definition) => {
        const deadLetter = definition.name + DEAD_LETTER_SUFFIX;
        await boss.createQueue(deadLetter, { retentionSeconds: this.config.deadLetterRetentionDays * 86_400 });
        await boss.createQueue(definition.name, this.queueOptions(deadLetter));
      }),
    );
    if (!workers) return;
    await Promise.all(
      definitions.map(async (definition) => {
        await boss.work<Record<string, unknown>>(
          definition.name,
          // NOTIFY wakes a worker for a new job at once, but not for a retry coming due: with notify on, pg-boss would
          // otherwise stretch the polling to 30 s, and a retry would wait that long past its backoff.
          {
            pollingIntervalSeconds: this.config.pollingIntervalSeconds,
            notifyPollingIntervalSeconds: this.config.pollingIntervalSeconds,
          },
          (jobs) => this.handle(definition, jobs),
        );
        if (definition.cron) await boss.schedule(definition.name, definition.cron, null, { tz: 'UTC' });
      }),
    );
    this.workersRunning = true;
  }

  /** Stops working (jobs in progress finish first) and closes pg-boss's connections. */
  async stop(): Promise<void> {
    const boss = this.boss;
    if (!boss) return;
    this.boss = null;
    this.workersRunning = false;
    await boss.stop({ graceful: true, timeout: this.config.stopTimeoutMs });
  }

  /** Whether this process works jobs (false in an app started with JOBS_IN_APP=false). */
  get working(): boolean {
    return this.workersRunning;
  }

  /**
   * Queues one job of `name` now (what an occurrence of its schedule does); resolves to its id. Queued while a span is
   * active (a request), the job carries that span's trace context and its run's span links to it.
   */
  async send(name: string, data: Record<string, unknown> = {}): Promise<string> {
    const traceContext = currentTraceContext();
    const id = await this.started().send(name, traceContext ? { ...data, [TRACE_CONTEXT_KEY]: traceContext } : data);
    if (!id) throw new Error(`job ${name} was not queued`);
    return id;
  }

  /**
   * Waits until job `id` of `name` has finished (completed, failed for good, or cancelled) and returns it; a job that
   * is still waiting for a retry is not finished. For operators' scripts and tests that trigger work directly.
   */
  async waitFor(name: string, id: string, timeoutMs = 20_000): Promise<JobSummary> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.find(id);
      if (job && job.queue === name && FINISHED.has(job.state)) return job;
      if (Date.now() > deadline) {
        throw new Error(`job ${name} ${id} did not finish within ${timeoutMs} ms (${JSON.stringify(job)})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Waiting and failed jobs of each of the app's queues, for the metrics; none before the runner starts or after it stops. */
  async queueFigures(): Promise<QueueFigures[]> {
    return this.boss ? this.store.queueFigures(this.queues) : [];
  }

  /** One job of the app's queues by id, or null. */
  async find(id: string): Promise<JobSummary | null> {
    return this.store.find(id, this.queues);
  }

  /** The app's jobs in `state`, newest first (the admin view). */
  async list(state: JobState, limit: number): Promise<JobSummary[]> {
    return this.store.list(state, this.queues, limit);
  }

  /** Puts a failed job back in the queue (a fresh set of attempts) and drops its dead-letter copy; false when it is not failed. */
  async retry(job: JobSummary): Promise<boolean> {
    const boss = this.started();
    const result = await boss.retry(job.queue, job.id);
    if (affected(result) === 0) return false;
    await this.dropDeadLetterCopies(job);
    return true;
  }

  /** Deletes a job for good, with its dead-letter copy; false when it was already gone. */
  async discard(job: JobSummary): Promise<boolean> {
    const result = await this.started().deleteJob(job.queue, job.id);
    await this.dropDeadLetterCopies(job);
    return affected(result) > 0;
  }

  private dropDeadLetterCopies(job: JobSummary): Promise<void> {
    return this.store.deleteDeadLetterCopies(job.queue + DEAD_LETTER_SUFFIX, job.id);
  }

  private queueOptions(deadLetter: string): Omit<Queue, 'name'> {
    return {
      deadLetter,
      retryLimit: this.config.retryLimit,
      retryDelay: this.config.retryDelaySeconds,
      retryBackoff: true,
      retryDelayMax: this.config.retryDelayMaxSeconds,
      expireInSeconds: this.config.expireSeconds,
      notify: true,
    };
  }

  private async handle(definition: JobDefinition, jobs: Job<Record<string, unknown>>[]): Promise<unknown> {
    // pg-boss hands one job per call with the default batch size; each runs in a unit of work of its own, as a request
    // does, inside a span of its own linked to the request that queued it.
    const outputs: unknown[] = [];
    for (const job of jobs) {
      const { [TRACE_CONTEXT_KEY]: origin, ...data } = job.data ?? {};
      const attributes = { 'messaging.system': 'pg-boss', 'messaging.destination.name': definition.name, 'app.job.id': job.id };
      const started = process.hrtime.bigint();
      const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
      try {
        const output = await tracedLinked(`job ${definition.name}`, attributes, traceContextOf(origin), () =>
          RequestContext.create(this.em, () => definition.run(data)),
        );
        this.runs?.jobRun(definition.name, 'completed', seconds());
        this.logger.debug({ job: definition.name, id: job.id, ms: Math.round(seconds() * 1000) }, 'job done');
        outputs.push(output);
      } catch (error) {
        this.runs?.jobRun(definition.name, 'failed', seconds());
        this.logger.warn({ err: error, job: definition.name, id: job.id }, 'job failed');
        throw error;
      }
    }
    return outputs.length === 1 ? outputs[0] : outputs;
  }

  private started(): PgBoss {
    if (!this.boss) throw new Error('the job runner is not started');
    return this.boss;
  }
}

/**
 * Installs or upgrades pg-boss's schema (`npm run migrate`, the tests' template database) and disconnects, so the apps
 * that start on that database find it ready instead of each installing it.
 */
export async function installJobsSchema(database: JobsDatabase): Promise<void> {
  const boss = new PgBoss({ ...(await connectionOf(database, 2)), schema: JOBS_SCHEMA, schedule: false, supervise: false });
  await boss.start();
  await boss.stop({ graceful: false });
}

/** pg-boss's connection: its own pool on PostgreSQL, the app's one connection on embedded PGlite. */
async function connectionOf(
  database: JobsDatabase,
  poolMax: number,
): Promise<{ connectionString: string; max: number } | { db: ReturnType<typeof fromPglite>; backend: 'pglite' }> {
  if (database.kind === 'postgresql') return { connectionString: database.url, max: poolMax };
  return { db: fromPglite(await pgliteClientOf(database.em)), backend: 'pglite' };
}

/** The job runner's database: the app's PostgreSQL server, or the embedded PGlite behind the app's entity manager. */
export function jobsDatabaseOf(database: DatabaseConfig, em: EntityManager): JobsDatabase {
  return database.kind === 'postgresql' ? { kind: 'postgresql', url: database.url } : { kind: 'pglite', em };
}

/** The trace context a job's data carries, when it is one (string fields only: job data is JSON anyone could write). */
function traceContextOf(value: unknown): Record<string, string> | null {
  if (typeof value !== 'object' || value === null) return null;
  const entries = Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return entries.length > 0 ? Object.fromEntries(entries) : null;
}

/** How many jobs a command changed (pg-boss 12 answers it at run time; its types declare an empty CommandResponse). */
function affected(response: CommandResponse): number {
  return Number((response as { affected?: number }).affected ?? 0);
}
