import { randomUUID } from 'node:crypto';
import { TestClock } from '../../src/shared/clock';
import { MAINTENANCE_JOBS } from '../../src/jobs/maintenance-jobs';
import { DISPATCH_NOTIFICATIONS_JOB } from '../../src/notifications/notification-jobs';
import { NOTICE_JOBS } from '../../src/notices/notice-jobs';
import { firstCardId, postJson, registerAdmin, registerCitizen, type SignedInCitizen } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { valueOf } from '../support/prometheus';

/**
 * The job runner (pg-boss) on the database the tests run on (embedded PGlite, or PostgreSQL with TEST_DATABASE_URL):
 * the purges that were per-instance timers are schedules now, their cut-offs follow the app's clock, a failing job is
 * retried with backoff and then kept as failed (with a dead-letter copy), and admins see, retry and discard it.
 * The tests run the jobs directly (`send` + `waitFor`) instead of waiting for their cron occurrence.
 */
let t: TestApp;
let clock: TestClock;
let admin: SignedInCitizen;
let citizen: SignedInCitizen;

beforeAll(async () => {
  clock = new TestClock();
  // One retry after about a second, and workers that look for due retries every second: a failure is final quickly.
  t = await startTestApp({
    clock,
    env: {
      JOBS_RETRY_LIMIT: '1',
      JOBS_RETRY_DELAY_SECONDS: '1',
      JOBS_RETRY_DELAY_MAX_SECONDS: '2',
      JOBS_POLLING_INTERVAL_SECONDS: '1',
    },
  });
  admin = await registerAdmin(t);
  citizen = await registerCitizen(t);
});
afterAll(async () => {
  await t.close();
});

const sql = <T>(query: string, params: unknown[] = []) => t.app.db.em.fork().execute<T[]>(query, params);

/** `GET /metrics` over HTTP, as Prometheus scrapes it. */
async function scrape(): Promise<string> {
  const res = await t.fetch('/metrics');
  expect(res.status).toBe(200);
  return res.text();
}

async function run(name: string) {
  const runner = t.app.services.jobRunner;
  return runner.waitFor(name, await runner.send(name));
}

describe('scheduled maintenance', () => {
  it('registers every purge as a pg-boss schedule with a dead-letter queue and retries with backoff', async () => {
    const schedules = await sql<{ name: string; cron: string }>('select name, cron from pgboss.schedule order by name');
    expect(schedules.map((s) => s.name)).toEqual(
      [...Object.values(MAINTENANCE_JOBS), DISPATCH_NOTIFICATIONS_JOB, ...Object.values(NOTICE_JOBS)].sort(),
    );
    expect(schedules.find((s) => s.name === DISPATCH_NOTIFICATIONS_JOB)?.cron).toBe('*/5 * * * *');
    expect(schedules.find((s) => s.name === MAINTENANCE_JOBS.idempotencyKeys)?.cron).toBe('*/10 * * * *');
    // NOTIFY_EXPIRY_REMINDER_CRON's default: every day at 12:00 UTC (09:00 in Rio).
    expect(schedules.find((s) => s.name === NOTICE_JOBS.expiryReminders)?.cron).toBe('0 12 * * *');
    const queues = await sql<{ name: string; dead_letter: string; retry_backoff: boolean; retry_limit: number }>(
      'select name, dead_letter, retry_backoff, retry_limit from pgboss.queue where name = ?',
      [MAINTENANCE_JOBS.idempotencyKeys],
    );
    expect(queues).toEqual([
      {
        name: MAINTENANCE_JOBS.idempotencyKeys,
        dead_letter: `${MAINTENANCE_JOBS.idempotencyKeys}.dead`,
        retry_backoff: true,
        retry_limit: 1,
      },
    ]);
  });

  it('purges idempotency keys by the app clock: kept for the TTL, gone once the clock passes it', async () => {
    const cardId = await firstCardId(t, citizen);
    const key = randomUUID();
    const res = await postJson(
      t,
      `/v1/cards/${cardId}/recharges`,
      { amountCents: 500 },
      { ...admin.auth, 'idempotency-key': key },
    );
    expect(res.status).toBe(201);
    const stored = async () =>
      (await sql<{ n: number }>('select count(*)::int as n from idempotency_keys where key = ?', [key]))[0].n;

    const early = await run(MAINTENANCE_JOBS.idempotencyKeys);
    expect(early.state).toBe('completed');
    expect(await stored()).toBe(1);

    clock.advance(25 * 3600_000);
    const late = await run(MAINTENANCE_JOBS.idempotencyKeys);
    expect(late.state).toBe('completed');
    expect(late.output).toEqual({ deleted: expect.any(Number) });
    expect((late.output as { deleted: number }).deleted).toBeGreaterThanOrEqual(1);
    expect(await stored()).toBe(0);
  });

  it('runs the other purges on the app clock too', async () => {
    for (const name of [MAINTENANCE_JOBS.stagedFiles, MAINTENANCE_JOBS.directLine, MAINTENANCE_JOBS.whatsAppIds]) {
      expect(await run(name)).toMatchObject({ queue: name, state: 'completed', output: { deleted: expect.any(Number) } });
    }
    expect(await run(MAINTENANCE_JOBS.channelLinkNotices)).toMatchObject({ state: 'completed', output: { sent: 0 } });
  });
});

describe('failed jobs and the admin view', () => {
  let failedId: string;

  beforeAll(async () => {
    // Signed in again: the clock moved past the first tokens' lifetime above.
    admin = await registerAdmin(t);
    citizen = await registerCitizen(t);
    // The purge's table is gone for a while: every attempt fails, the retry too, and the job ends failed.
    await sql('alter table whatsapp_processed_messages rename to whatsapp_processed_messages_away');
    try {
      const failed = await run(MAINTENANCE_JOBS.whatsAppIds);
      failedId = failed.id;
    } finally {
      await sql('alter table whatsapp_processed_messages_away rename to whatsapp_processed_messages');
    }
  });

  it('retries once with backoff, then keeps the job failed with a dead-letter copy', async () => {
    const job = await t.app.services.jobRunner.find(failedId);
    expect(job).toMatchObject({ state: 'failed', retryCount: 1, retryLimit: 1 });
    const dead = await sql<{ n: number }>('select count(*)::int as n from pgboss.job where name = ? and source_id = ?', [
      `${MAINTENANCE_JOBS.whatsAppIds}.dead`,
      failedId,
    ]);
    expect(dead[0].n).toBe(1);
  });

  it('shows the failure in /metrics: failed attempts timed by queue, and the job failed for good', async () => {
    const text = await scrape();
    const queue = MAINTENANCE_JOBS.whatsAppIds;
    // The first attempt and its one retry failed.
    expect(valueOf(text, 'job_run_duration_seconds_count', { queue, outcome: 'failed' })).toBeGreaterThanOrEqual(2);
    expect(valueOf(text, 'job_run_duration_seconds_sum', { queue, outcome: 'failed' })).toBeGreaterThan(0);
    expect(valueOf(text, 'job_run_duration_seconds_bucket', { queue, outcome: 'failed', le: '+Inf' })).toBeGreaterThanOrEqual(2);
    expect(valueOf(text, 'jobs_failed', { queue })).toBe(1);
    // The purges run above completed.
    const idempotency = { queue: MAINTENANCE_JOBS.idempotencyKeys, outcome: 'completed' };
    expect(valueOf(text, 'job_run_duration_seconds_count', idempotency)).toBeGreaterThanOrEqual(2);
    expect(valueOf(text, 'jobs_failed', { queue: MAINTENANCE_JOBS.idempotencyKeys })).toBe(0);
  });

  it('lists failed jobs for admins', async () => {
    const res = await t.fetch('/v1/admin/jobs?state=failed', { headers: admin.auth });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: Array<{ id: string; queue: string; state: string }> };
    expect(body.items).toContainEqual(
      expect.objectContaining({ id: failedId, queue: MAINTENANCE_JOBS.whatsAppIds, state: 'failed' }),
    );
    expect(body.items.every((job) => job.state === 'failed')).toBe(true);
  });

  it('refuses citizens (403) and answers bad input with a pt-BR problem', async () => {
    const forbidden = await t.fetch('/v1/admin/jobs?state=failed', { headers: citizen.auth });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toContain('application/problem+json');
    expect((await postJson(t, `/v1/admin/jobs/${failedId}/retry`, {}, citizen.auth)).status).toBe(403);
    expect((await postJson(t, `/v1/admin/jobs/${failedId}/discard`, {}, citizen.auth)).status).toBe(403);
    expect((await t.fetch('/v1/admin/jobs?state=failed')).status).toBe(401);

    const bad = await t.fetch('/v1/admin/jobs?state=quebrado', { headers: admin.auth });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await bad.json()) as { errors: Array<{ field: string; message: string }> };
    expect(problem.errors).toEqual([
      expect.objectContaining({ field: 'state', message: expect.stringContaining('Estado inválido') }),
    ]);

    expect((await postJson(t, `/v1/admin/jobs/${randomUUID()}/retry`, {}, admin.auth)).status).toBe(404);
    expect((await postJson(t, '/v1/admin/jobs/nao-e-um-id/discard', {}, admin.auth)).status).toBe(404);
  });

  it('retries a failed job (now it succeeds) and refuses to retry one that is not failed', async () => {
    const res = await postJson(t, `/v1/admin/jobs/${failedId}/retry`, {}, admin.auth);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { state: string }).state).toMatch(/^(created|retry|active|completed)$/);
    const done = await t.app.services.jobRunner.waitFor(MAINTENANCE_JOBS.whatsAppIds, failedId);
    expect(done.state).toBe('completed');
    const dead = await sql<{ n: number }>('select count(*)::int as n from pgboss.job where source_id = ?', [failedId]);
    expect(dead[0].n).toBe(0);
    const again = await postJson(t, `/v1/admin/jobs/${failedId}/retry`, {}, admin.auth);
    expect(again.status).toBe(409);
  });

  it('discards a job for good', async () => {
    const job = await run(MAINTENANCE_JOBS.stagedFiles);
    expect((await postJson(t, `/v1/admin/jobs/${job.id}/discard`, {}, admin.auth)).status).toBe(204);
    expect(await t.app.services.jobRunner.find(job.id)).toBeNull();
    expect((await postJson(t, `/v1/admin/jobs/${job.id}/discard`, {}, admin.auth)).status).toBe(404);
  });
});

describe('waiting jobs in /metrics', () => {
  it('shows the queue depth and the age of the oldest waiting job, growing while nobody works the queue', async () => {
    const runner = t.app.services.jobRunner;
    const queue = MAINTENANCE_JOBS.stagedFiles;
    expect(valueOf(await scrape(), 'jobs_waiting', { queue })).toBe(0);
    expect(valueOf(await scrape(), 'jobs_oldest_waiting_seconds', { queue })).toBe(0);
    // The app goes on queuing jobs but stops working them (what JOBS_IN_APP=false does): the jobs wait.
    await runner.stop();
    await runner.start({ workers: false });
    await runner.send(queue);
    await runner.send(queue);
    const first = await scrape();
    expect(valueOf(first, 'jobs_waiting', { queue })).toBe(2);
    const age = valueOf(first, 'jobs_oldest_waiting_seconds', { queue })!;
    expect(age).toBeGreaterThan(0);
    expect(valueOf(await scrape(), 'jobs_oldest_waiting_seconds', { queue })).toBeGreaterThan(age);
    expect(valueOf(first, 'jobs_waiting', { queue: MAINTENANCE_JOBS.directLine })).toBe(0);
  });
});
