import { randomUUID } from 'node:crypto';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { startTracing, type Tracing } from '../../src/telemetry-setup';
import { startTestApp, type TestApp } from '../support/test-app';
import { MAINTENANCE_JOBS } from '../../src/jobs/maintenance-jobs';
import { traced } from '../../src/shared/telemetry';
import { postJson, registerAdmin, registerCitizen, type SignedInCitizen, firstCardId } from '../support/factories';

/**
 * Traces through the real pipeline: the SDK is registered by the same module production uses, with an in-memory
 * exporter instead of OTLP, and the app runs on its own database (PGlite or TEST_DATABASE_URL).
 */

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let t: TestApp;
let citizen: SignedInCitizen;
/** Funds the citizen's card: the simulated recharge is an admin's tool (citizens pay by Pix). */
let admin: SignedInCitizen;

beforeAll(async () => {
  tracing = startTracing({ serviceName: 'carteira-digital-carioca-test' }, exporter)!;
  // A failing job fails for good at once (the jobs test covers retries), and workers look for jobs every second.
  t = await startTestApp({ env: { JOBS_RETRY_LIMIT: '0', JOBS_POLLING_INTERVAL_SECONDS: '1' } });
  citizen = await registerCitizen(t);
  admin = await registerAdmin(t);
});
afterAll(async () => {
  await t.close();
  await tracing.shutdown();
  trace.disable();
});

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

/** Spans of one trace, once the SERVER span (ended on 'finish', just after the client got the response) is in. */
async function traceOf(predicate: (span: ReadableSpan) => boolean): Promise<ReadableSpan[]> {
  for (let i = 0; i < 100; i++) {
    const root = exporter.getFinishedSpans().find(predicate);
    if (root) return exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === root.spanContext().traceId);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no such span was exported');
}

describe('one recharge is one trace', () => {
  it('has the HTTP span, the service span under it and the SQL statements under the service span', async () => {
    const cardId = await firstCardId(t, citizen);
    exporter.reset();
    const res = await postJson(
      t,
      `/v1/cards/${cardId}/recharges`,
      { amountCents: 1000 },
      { ...admin.auth, 'idempotency-key': randomUUID() },
    );
    expect(res.status).toBe(201);

    const spans = await traceOf((s) => s.name.startsWith('POST /v1/cards'));
    const http = spans.find((s) => s.name.startsWith('POST /v1/cards'))!;
    expect(http.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 201 });
    expect(String(http.attributes['http.route'])).toMatch(/^\/v1\/cards\/[:{]/);
    expect(parentOf(http)).toBeUndefined();

    const service = spans.find((s) => s.name === 'cards.recharge')!;
    expect(service).toBeDefined();
    expect(parentOf(service)).toBe(http.spanContext().spanId);
    expect(service.attributes).toMatchObject({ 'app.operation': 'recharge', 'app.replayed': false });

    // Every statement of the recharge (one: the key, the balance and the ledger entry together) is under it.
    const statements = spans.filter((s) => s.name.startsWith('db '));
    const underService = statements.filter((s) => parentOf(s) === service.spanContext().spanId);
    expect(underService.length).toBeGreaterThanOrEqual(1);
    expect(underService.map((s) => s.attributes['db.query.text']).join('\n')).toMatch(/ledger/i);
    // Authentication reads the session before the service runs: those statements hang from the HTTP span.
    for (const statement of statements) {
      expect([http.spanContext().spanId, service.spanContext().spanId]).toContain(parentOf(statement));
    }
  });

  it('continues a caller trace from its traceparent header', async () => {
    exporter.reset();
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const res = await t.fetch('/v1/document-types', { headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } });
    expect(res.status).toBe(200);
    const spans = await traceOf((s) => s.name === 'GET /v1/document-types');
    expect(spans[0].spanContext().traceId).toBe(traceId);
  });

  it('never records personal data: statements carry placeholders, not the values', async () => {
    exporter.reset();
    const other = await registerCitizen(t);
    await traceOf((s) => s.name === 'POST /v1/auth/register');
    const recorded = JSON.stringify(exporter.getFinishedSpans().map((s) => s.attributes));
    expect(recorded).not.toContain(other.input.cpf.replace(/\D/g, ''));
    expect(recorded).not.toContain(other.input.email);
  });
});

describe('bot turns', () => {
  it('are spans with the flow and state as attributes', async () => {
    exporter.reset();
    const key = { channel: 'test', conversationId: randomUUID(), channelUserId: randomUUID() };
    await t.app.engine.handleTurn(key, { text: '5', attachments: [] }, randomUUID(), null);
    const turn = exporter.getFinishedSpans().find((s) => s.name === 'bot.turn')!;
    expect(turn.attributes).toMatchObject({ 'bot.channel': 'test', 'bot.flow': 'question', 'bot.outcome': 'ok' });
    expect(typeof turn.attributes['bot.state']).toBe('string');
    // Loading and saving the conversation are statements of the turn.
    const statements = exporter.getFinishedSpans().filter((s) => parentOf(s) === turn.spanContext().spanId);
    expect(statements.some((s) => s.name === 'db select')).toBe(true);
  });
});

describe('jobs', () => {
  it('run in a span of their own that links to the span that queued them, with their statements under it', async () => {
    const runner = t.app.services.jobRunner;
    const queue = MAINTENANCE_JOBS.stagedFiles;
    exporter.reset();
    // What a request handler that queues a job does: send while its span is active.
    const { id, origin } = await traced('test.request', {}, async (span) => ({
      id: await runner.send(queue),
      origin: span.spanContext(),
    }));
    expect((await runner.waitFor(queue, id)).state).toBe('completed');

    const job = (await traceOf((s) => s.name === `job ${queue}` && s.attributes['app.job.id'] === id)).find(
      (s) => s.name === `job ${queue}`,
    )!;
    expect(job.attributes).toMatchObject({ 'messaging.system': 'pg-boss', 'messaging.destination.name': queue });
    // A trace of its own (the job runs later, maybe on another instance), linked to the request's span.
    expect(parentOf(job)).toBeUndefined();
    expect(job.spanContext().traceId).not.toBe(origin.traceId);
    expect(job.links.map((link) => link.context)).toEqual([
      expect.objectContaining({ traceId: origin.traceId, spanId: origin.spanId }),
    ]);
    const statements = exporter.getFinishedSpans().filter((s) => parentOf(s) === job.spanContext().spanId);
    expect(statements.some((s) => s.name === 'db delete' || s.name === 'db select')).toBe(true);
  });

  it('queued outside any span (a schedule) run unlinked, and a failing run is an error span', async () => {
    const runner = t.app.services.jobRunner;
    const queue = MAINTENANCE_JOBS.whatsAppIds;
    const sql = (query: string) => t.app.db.em.fork().execute(query);
    exporter.reset();
    const id = await runner.send(queue);
    expect((await runner.waitFor(queue, id)).state).toBe('completed');
    const job = (await traceOf((s) => s.attributes['app.job.id'] === id)).find((s) => s.name === `job ${queue}`)!;
    expect(job.links).toEqual([]);
    expect(job.status.code).toBe(SpanStatusCode.UNSET);

    await sql('alter table whatsapp_processed_messages rename to whatsapp_processed_messages_away');
    let failedId: string;
    try {
      failedId = await runner.send(queue);
      expect((await runner.waitFor(queue, failedId)).state).toBe('failed');
    } finally {
      await sql('alter table whatsapp_processed_messages_away rename to whatsapp_processed_messages');
    }
    const failed = (await traceOf((s) => s.attributes['app.job.id'] === failedId)).find((s) => s.name === `job ${queue}`)!;
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.events.map((event) => event.name)).toContain('exception');
  });
});

describe('notification dispatch', () => {
  it("runs in a trace of its own linked to the request whose commit woke it, not inside the request's trace", async () => {
    const cardId = await firstCardId(t, citizen);
    exporter.reset();
    const res = await postJson(
      t,
      `/v1/cards/${cardId}/recharges`,
      { amountCents: 500 },
      { ...admin.auth, 'idempotency-key': randomUUID() },
    );
    expect(res.status).toBe(201);
    // The recharge's commit woke the dispatcher; this resolves when that run has finished.
    await t.app.notifications.idle();

    const request = await traceOf((s) => s.name.startsWith('POST /v1/cards'));
    const requestTrace = request[0].spanContext().traceId;
    const dispatch = exporter
      .getFinishedSpans()
      .find((s) => s.name === 'notifications dispatch' && s.links.some((link) => link.context.traceId === requestTrace));
    expect(dispatch).toBeDefined();
    expect(parentOf(dispatch!)).toBeUndefined();
    expect(dispatch!.spanContext().traceId).not.toBe(requestTrace);
    // The link names a span of the request (the one active when the service woke the dispatcher).
    const linked = dispatch!.links.find((link) => link.context.traceId === requestTrace)!;
    expect(request.map((s) => s.spanContext().spanId)).toContain(linked.context.spanId);

    // The dispatcher's statements (the claim) are under its own span, none in the request's trace.
    const claim = (s: ReadableSpan) => /claimed_until/.test(String(s.attributes['db.query.text']));
    const claims = exporter.getFinishedSpans().filter((s) => claim(s) && parentOf(s) === dispatch!.spanContext().spanId);
    expect(claims.length).toBeGreaterThanOrEqual(1);
    expect(request.filter(claim)).toEqual([]);
    expect(
      exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === requestTrace && s.name === 'notifications dispatch'),
    ).toEqual([]);
  });
});
