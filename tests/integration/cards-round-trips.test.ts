import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { startTracing, type Tracing } from '../../src/telemetry-setup';
import { startTestApp, type TestApp } from '../support/test-app';
import { firstCardId, postJson, registerAdmin, type SignedInCitizen } from '../support/factories';

/**
 * The money path's round trips, counted from the statements the app reports to tracing (every ORM statement through
 * its query logger, every prepared statement through runPrepared: src/shared/telemetry.ts), so a change that adds a
 * statement to a recharge fails here. Before issue 16 a recharge's service made 6 (key claim, begin, update + ledger,
 * velocity count, key completion, commit); now it makes 1.
 */
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let t: TestApp;
let citizen: SignedInCitizen;
let cardId: string;

beforeAll(async () => {
  tracing = startTracing({ serviceName: 'round-trips-test' }, exporter)!;
  t = await startTestApp();
  // An admin: the simulated recharge measured here is an admin's tool (citizens pay by Pix).
  citizen = await registerAdmin(t);
  cardId = await firstCardId(t, citizen);
});
afterAll(async () => {
  await t.close();
  await tracing.shutdown();
  trace.disable();
});

/** The statements of one request, split into those of the service's span and those of the HTTP edge around it. */
async function statementsOf(path: string, body: unknown, key: string, service: string) {
  exporter.reset();
  const res = await postJson(t, path, body, { ...citizen.auth, 'idempotency-key': key });
  await res.arrayBuffer();
  let spans: ReadableSpan[] = [];
  // The SERVER span ends on 'finish', just after the client got the response.
  for (let i = 0; i < 100 && !spans.some((s) => s.name.startsWith('POST ')); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    spans = exporter.getFinishedSpans();
  }
  const serviceSpan = spans.find((s) => s.name === service);
  if (!serviceSpan) throw new Error(`no ${service} span`);
  const statements = spans.filter((s) => s.name.startsWith('db '));
  const text = (s: ReadableSpan) => String(s.attributes['db.query.text']);
  const inService = statements.filter((s) => s.parentSpanContext?.spanId === serviceSpan.spanContext().spanId);
  // The notification dispatcher, woken by the commit, runs in the background (claiming the outbox's events, looking up
  // the citizen's conversations, logging deliveries): not part of the answer's path. The event itself is written by the
  // money path's statement, which is counted.
  const dispatcher = /^\s*update outbox_events|notification_deliveries|from conversations/;
  const beforeAnswer = statements.filter((s) => !dispatcher.test(text(s)));
  return {
    status: res.status,
    replayed: res.headers.get('idempotent-replayed'),
    inService: inService.map(text),
    total: beforeAnswer.length,
  };
}

it('a recharge is one statement: key, balance, ledger entry and stored outcome together', async () => {
  const key = randomUUID();
  const path = `/v1/cards/${cardId}/recharges`;
  const first = await statementsOf(path, { amountCents: 1000 }, key, 'cards.recharge');
  expect(first.status).toBe(201);
  expect(first.inService).toHaveLength(1);
  expect(first.inService[0]).toMatch(/idempotency_keys[\s\S]*update transport_cards[\s\S]*insert into card_ledger/);
  // The whole request: the global per-address limit, the bearer token's session check, and that statement (8 before).
  expect(first.total).toBeLessThanOrEqual(3);

  // Its replay is the same one statement, which finds the stored key and changes nothing.
  const replay = await statementsOf(path, { amountCents: 1000 }, key, 'cards.recharge');
  expect(replay).toMatchObject({ status: 201, replayed: 'true' });
  expect(replay.inService).toHaveLength(1);
});

it('a debit is one statement too', async () => {
  const debit = await statementsOf(`/v1/cards/${cardId}/debits`, { amountCents: 470 }, randomUUID(), 'cards.debit');
  expect(debit.status).toBe(201);
  expect(debit.inService).toHaveLength(1);
});

it('a refusal costs one more read (why nothing matched), and stores the refusal as the key answer', async () => {
  const refused = await statementsOf(`/v1/cards/${cardId}/debits`, { amountCents: 1_000_000 }, randomUUID(), 'cards.debit');
  expect(refused.status).toBe(422);
  expect(refused.inService).toHaveLength(3);
});
