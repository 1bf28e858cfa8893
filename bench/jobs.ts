/**
 * Job-runner benchmark (issue 18 acceptance 7, jobs half), on one PostgreSQL database, both sides in this process:
 * - the app's JobRunner (src/jobs/job-runner.ts) as the app runs it: its queue policy (retries, dead letter, notify),
 *   its worker options, a unit of work and a span per job, the job-run histogram of the metrics;
 * - pg-boss's own minimal producer/consumer: `new PgBoss(url)` with LISTEN/NOTIFY on, `createQueue(name, { notify })`,
 *   `send`, `work` with its defaults.
 * Each side is a closed loop of CONCURRENCY producers: send a job, wait until the worker ran it, send the next. The
 * figure is jobs worked per second (and the send-to-run latency); the sides run one after the other. Also: jobs queued
 * per second by CONCURRENCY senders that do not wait for the runs.
 * Uses a scratch database (created and dropped here) on BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
 */
import { PgBoss } from 'pg-boss';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/orm';
import { JobRunner, installJobsSchema } from '../src/jobs/job-runner';
import { JOBS_SCHEMA } from '../src/jobs/jobs.repository';
import { createLogger } from '../src/shared/logger';
import { AppMetrics } from '../src/shared/metrics';
import { SERVER_URL, admin, compare, load, ownCpu, withDatabase, type Measured, type Side } from './support';

const CONCURRENCY = 8;
/** Jobs worked per side, over the alternating rounds. */
const WORKED = 1500;
/** Jobs queued per side with no worker. */
const QUEUED = 1000;
const POOL_MAX = 10;
/** Longest a job may take from send to run before the bench gives up (a stalled consumer). */
const RUN_DEADLINE_MS = 20_000;

/** Resolves the wait of job `i` when a worker runs it: the closed loop's "done". */
class Completions {
  private readonly pending = new Map<number, () => void>();
  private next = 0;

  /** A fresh job number and the promise its run resolves. */
  expect(): { i: number; ran: Promise<void> } {
    const i = this.next++;
    return { i, ran: new Promise<void>((resolve) => this.pending.set(i, resolve)) };
  }

  ran(data: unknown): void {
    const i = (data as { i?: unknown } | null)?.i;
    if (typeof i !== 'number') return;
    this.pending.get(i)?.();
    this.pending.delete(i);
  }
}

/** One side's closed-loop operation: send one job, resolve once it ran. */
function closedLoop(send: (data: { i: number }) => Promise<unknown>, completions: Completions): Side['op'] {
  return async () => {
    const { i, ran } = completions.expect();
    await send({ i });
    await ran;
    return true;
  };
}

/** Resolves with `work`'s result, or rejects when it takes longer than `ms` (a stalled consumer ends the run). */
function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** Warm-up, the closed loop and the queueing figure of one side, started and stopped around its own measurement. */
async function measure(
  side: { start(): Promise<void>; send(data: { i: number }): Promise<unknown>; stop(): Promise<void> },
  completions: Completions,
) {
  await side.start();
  try {
    const op = closedLoop((data) => side.send(data), completions);
    const bounded = () => within(RUN_DEADLINE_MS, 'a job', op(0));
    await load(50, CONCURRENCY, bounded);
    const [worked] = await compare([{ op: bounded, cpu: ownCpu }], WORKED, CONCURRENCY, 3);
    const queued = await load(QUEUED, CONCURRENCY, async () => Boolean(await side.send({ i: -1 })));
    return { worked, queued };
  } finally {
    await side.stop();
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const name = `bench_jobs_${process.pid}`;
  await admin(`drop database if exists ${name}`);
  await admin(`create database ${name}`);
  const url = withDatabase(SERVER_URL, name);
  const logger = createLogger('warn');
  const database = { kind: 'postgresql' as const, url, poolMax: POOL_MAX };
  const db = await openDatabase(database);
  try {
    await installJobsSchema({ kind: 'postgresql', url });
    // The job settings as deployed by default (JOBS_* unset).
    const jobsConfig = loadConfig({}).jobs;
    const runner = new JobRunner({ kind: 'postgresql', url }, jobsConfig, db.em, logger, new AppMetrics(db, database));
    const viaRunner = new Completions();
    runner.define({
      name: 'bench-noop',
      run: (data) => {
        viaRunner.ran(data);
        return Promise.resolve(null);
      },
    });
    const app = await measure(
      {
        start: () => runner.start({ workers: true }),
        send: (data) => runner.send('bench-noop', data),
        stop: () => runner.stop(),
      },
      viaRunner,
    );

    // pg-boss's own pool as big as the app's (JOBS_POOL_MAX); its polling as the app's (JOBS_POLLING_INTERVAL_SECONDS)
    // rather than its 30 s backstop with notify on. The sides run one after the other, each with its own PgBoss: with
    // both started in one process, the minimal consumer left jobs unworked for minutes (not investigated further).
    const boss = new PgBoss({ connectionString: url, schema: JOBS_SCHEMA, max: jobsConfig.poolMax, useListenNotify: true });
    boss.on('error', (error: unknown) => logger.warn({ err: error }, 'pg-boss error'));
    const viaBoss = new Completions();
    const minimal = await measure(
      {
        start: async () => {
          await boss.start();
          await boss.createQueue('bench-minimal', { notify: true });
          await boss.work<{ i: number }>(
            'bench-minimal',
            {
              pollingIntervalSeconds: jobsConfig.pollingIntervalSeconds,
              notifyPollingIntervalSeconds: jobsConfig.pollingIntervalSeconds,
            },
            (jobs) => {
              for (const job of jobs) viaBoss.ran(job.data);
              return Promise.resolve();
            },
          );
        },
        send: (data) => boss.send('bench-minimal', data),
        stop: () => boss.stop({ graceful: false }),
      },
      viaBoss,
    );

    const ratio = Math.round((app.worked.perSecond / minimal.worked.perSecond) * 100) / 100;
    const row = (label: string, m: Measured) =>
      `  ${label.padEnd(18)} ${String(m.perSecond).padStart(6)} jobs/s  p50 ${m.p50Ms} ms  p99 ${m.p99Ms} ms  rounds ${m.roundsPerSecond.join(', ')}  CPU ${m.cpuMicrosPerRequest} µs/job`;
    const lines = [
      `jobs worked/s (closed loop, ${CONCURRENCY} producers, send -> run):`,
      row('app JobRunner', app.worked),
      row('pg-boss minimal', minimal.worked),
      `  ratio app/minimal  ${ratio} (aim >= 0.8)`,
      `jobs queued/s (${CONCURRENCY} senders, not waiting for the run): app ${app.queued.perSecond}, pg-boss ${minimal.queued.perSecond}`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
    return {
      settings: { concurrency: CONCURRENCY, worked: WORKED, queued: QUEUED, jobs: jobsConfig },
      worked: { app: app.worked, minimal: minimal.worked, ratio },
      queued: { app: app.queued, minimal: minimal.queued },
    };
  } finally {
    await db.close();
    await admin(`drop database if exists ${name} with (force)`);
  }
}
