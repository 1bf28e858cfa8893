import { Writable } from 'node:stream';
import { buildApp, type App } from '../../src/main';
import { buildWorker, type Worker } from '../../src/worker';
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/shared/logger';
import { createMailer } from '../../src/shared/mailer';
import { TestClock } from '../../src/shared/clock';
import { RequestContext } from '@mikro-orm/core';
import { MAINTENANCE_JOBS } from '../../src/jobs/maintenance-jobs';
import { DISPATCH_NOTIFICATIONS_JOB } from '../../src/notifications/notification-jobs';
import { NOTICE_JOBS } from '../../src/notices/notice-jobs';
import { addDays, todayInRio } from '../../src/documents/expiry';
import type { DomainEventOf } from '../../src/shared/domain-events';
import { createDocument, registerCitizen } from '../support/factories';
import { requirePostgres } from '../support/require-postgres';
import { createTestDatabase } from '../support/test-app';

/**
 * Background jobs across processes on one PostgreSQL database (PGlite is one process per directory): two app instances
 * that both run workers and register the schedules, and an app that leaves its jobs to a separate worker
 * (JOBS_IN_APP=false + `npm run worker`, built here through the same composition function).
 */
requirePostgres();
jest.setTimeout(60_000);

/** A debug logger that counts, per queue, the jobs this instance ran ('job done'). */
function countingLogger() {
  const runs = new Map<string, number>();
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        const entry = JSON.parse(line) as { msg?: string; job?: string };
        if (entry.msg === 'job done' && entry.job) runs.set(entry.job, (runs.get(entry.job) ?? 0) + 1);
      }
      done();
    },
  });
  return { logger: createLogger('debug', stream), runs: (queue: string) => runs.get(queue) ?? 0 };
}

function configFor(url: string, env: Record<string, string> = {}): Config {
  return {
    ...loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
      FILE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      JOBS_POLLING_INTERVAL_SECONDS: '1',
      // The separate worker's /metrics on loopback, any free port.
      WORKER_METRICS_HOST: '127.0.0.1',
      WORKER_METRICS_PORT: '0',
      DATABASE_URL: url,
      ...env,
    }),
    database: { kind: 'postgresql', url, poolMax: 5 },
  };
}

let drop: () => Promise<void>;
let url: string;
let closing: Array<() => Promise<void>> = [];

beforeAll(async () => {
  const database = await createTestDatabase();
  if (database.database.kind !== 'postgresql') throw new Error('expected PostgreSQL');
  url = database.database.url;
  drop = () => database.drop();
});
// Each test's instances stop before the next test starts: their workers would take its jobs.
afterEach(async () => {
  for (const close of closing.reverse()) await close();
  closing = [];
});
afterAll(async () => {
  await drop();
});

async function start(env: Record<string, string>, clock: TestClock) {
  const counter = countingLogger();
  const config = configFor(url, env);
  const app: App = await buildApp(config, {
    logger: counter.logger,
    clock,
    mailer: createMailer(config.mail, counter.logger, () => undefined),
  });
  closing.push(() => app.close());
  return { app, runs: counter.runs };
}

it('two instances register each schedule once and run each occurrence of a purge once', async () => {
  const clock = new TestClock();
  const a = await start({}, clock);
  const b = await start({}, clock);
  const sql = <T>(query: string, params: unknown[] = []) => a.app.db.em.fork().execute<T[]>(query, params);

  const schedules = await sql<{ name: string; n: number }>('select name, count(*)::int as n from pgboss.schedule group by name');
  expect(schedules.map((s) => s.name).sort()).toEqual(
    [...Object.values(MAINTENANCE_JOBS), DISPATCH_NOTIFICATIONS_JOB, ...Object.values(NOTICE_JOBS)].sort(),
  );
  expect(schedules.every((s) => s.n === 1)).toBe(true);

  // Occurrences of the idempotency purge's schedule, queued by both instances as their cron passes forward them; both
  // instances' workers compete for them.
  const queue = MAINTENANCE_JOBS.idempotencyKeys;
  const ids = await Promise.all([0, 1, 2, 3, 4, 5].map((n) => (n % 2 ? a : b).app.services.jobRunner.send(queue)));
  const jobs = await Promise.all(ids.map((id) => a.app.services.jobRunner.waitFor(queue, id)));
  expect(jobs.map((job) => [job.state, job.retryCount])).toEqual(ids.map(() => ['completed', 0]));
  expect(a.runs(queue) + b.runs(queue)).toBe(ids.length);
});

it('an app with JOBS_IN_APP=false queues jobs and a separate worker runs them', async () => {
  const clock = new TestClock();
  const app = await start({ JOBS_IN_APP: 'false' }, clock);
  const counter = countingLogger();
  const worker: Worker = await buildWorker(configFor(url), { logger: counter.logger, clock });
  closing.push(() => worker.close());
  expect(app.app.services.jobRunner.working).toBe(false);
  expect(worker.services.jobRunner.working).toBe(true);

  const queue = MAINTENANCE_JOBS.stagedFiles;
  const id = await app.app.services.jobRunner.send(queue);
  const job = await worker.services.jobRunner.waitFor(queue, id);
  expect(job.state).toBe('completed');
  expect(counter.runs(queue)).toBe(1);
  expect(app.runs(queue)).toBe(0);
});

it('two instances running the expiry reminders at once send each reminder once', async () => {
  const clock = new TestClock();
  const a = await start({}, clock);
  const b = await start({}, clock);
  const port = await a.app.listen();
  const base = `http://127.0.0.1:${port}`;
  const t = {
    app: a.app,
    baseUrl: base,
    fetch: (path: string, init?: RequestInit) => fetch(base + path, init),
    close: async () => undefined,
  };
  const citizen = await registerCitizen(t);
  const today = todayInRio(clock.now());
  const documents = await Promise.all(
    [30, 7, 1, 12].map((days) => createDocument(t, citizen, { expiresAt: addDays(today, days) })),
  );

  // Scheduled occurrences queued by both instances, taken by both instances' workers, and two direct runs that overlap.
  const queue = NOTICE_JOBS.expiryReminders;
  const ids = await Promise.all([0, 1, 2, 3].map((n) => (n % 2 ? a : b).app.services.jobRunner.send(queue)));
  const direct = await Promise.all(
    [a, b].map(({ app }) => RequestContext.create(app.db.em, () => app.services.notices.sendExpiryReminders())),
  );
  const jobs = await Promise.all(ids.map((id) => a.app.services.jobRunner.waitFor(queue, id)));
  expect(jobs.map((job) => job.state)).toEqual(ids.map(() => 'completed'));
  expect(a.runs(queue) + b.runs(queue)).toBe(ids.length);

  // Each reminder recorded wrote its event to the outbox in the same transaction: one per document and offset.
  const events = await a.app.db.em
    .fork()
    .execute<Array<{ payload: unknown }>>(`select payload from outbox_events where user_id = ? and type = 'document-expiring'`, [
      citizen.id,
    ]);
  const reminders = events
    .map(({ payload }) => (typeof payload === 'string' ? JSON.parse(payload) : payload) as DomainEventOf<'document-expiring'>)
    .map((event) => `${event.documentId}:${event.daysBefore}`)
    .sort();
  const [in30, in7, in1, in12] = documents.map((doc) => doc.id);
  expect(reminders).toEqual([`${in30}:30`, `${in7}:7`, `${in1}:1`, `${in12}:30`].sort());
  const total = [...jobs.map((job) => (job.output as { sent: number }).sent), ...direct];
  expect(total.reduce((sum, n) => sum + n, 0)).toBe(4);
});

it('the separate worker serves /metrics of its own: its job runs, the queues and its Pix payments', async () => {
  const clock = new TestClock();
  const app = await start({ JOBS_IN_APP: 'false' }, clock);
  const worker: Worker = await buildWorker(configFor(url, { METRICS_TOKEN: 'worker-metrics-token-0123' }), { clock });
  closing.push(() => worker.close());
  const queue = MAINTENANCE_JOBS.stagedFiles;
  expect((await worker.services.jobRunner.waitFor(queue, await app.app.services.jobRunner.send(queue))).state).toBe('completed');

  const metrics = `http://127.0.0.1:${worker.metricsPort}/metrics`;
  const refused = await fetch(metrics);
  expect(refused.status).toBe(401);
  expect(refused.headers.get('content-type')).toBe('application/problem+json');
  expect((await fetch(metrics, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
  const res = await fetch(metrics, { headers: { authorization: 'Bearer worker-metrics-token-0123' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  // The run this worker made (count and duration by outcome), and the queues' cluster-wide figures.
  expect(text).toMatch(new RegExp(`^job_run_duration_seconds_count\\{queue="${queue}",outcome="completed"\\} 1$`, 'm'));
  expect(text).toMatch(new RegExp(`^job_run_duration_seconds_sum\\{queue="${queue}",outcome="completed"\\} [0-9.e-]+$`, 'm'));
  for (const gauge of ['jobs_waiting', 'jobs_oldest_waiting_seconds', 'jobs_failed']) {
    expect(text).toMatch(new RegExp(`^${gauge}\\{queue="${queue}"\\} \\d+$`, 'm'));
  }
  expect(text).toContain('# TYPE pix_payments_total counter');
  expect(text).toContain('nodejs_eventloop_lag_seconds');
  // Nothing else is served on that port.
  expect((await fetch(`http://127.0.0.1:${worker.metricsPort}/health`)).status).toBe(404);
});
