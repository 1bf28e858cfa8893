import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/test-app';
import { postJson, registerAdmin, registerCitizen, type SignedInCitizen, firstCardId } from '../support/factories';
import { valueOf } from '../support/prometheus';

/** `GET /metrics` through the real app: what operators scrape, in Prometheus text format. */

let t: TestApp;
let citizen: SignedInCitizen;
/** Funds the citizen's card: the simulated recharge is an admin's tool (citizens pay by Pix). */
let admin: SignedInCitizen;
let cardId: string;

beforeAll(async () => {
  t = await startTestApp();
  citizen = await registerCitizen(t);
  admin = await registerAdmin(t);
  cardId = await firstCardId(t, citizen);
});
afterAll(async () => {
  await t.close();
});

async function scrape(app: TestApp = t, headers: Record<string, string> = {}): Promise<string> {
  const res = await app.fetch('/metrics', { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

const recharge = (key: string, amountCents = 1000) =>
  postJson(t, `/v1/cards/${cardId}/recharges`, { amountCents }, { ...admin.auth, 'idempotency-key': key });
const debit = (amountCents: number) =>
  postJson(t, `/v1/cards/${cardId}/debits`, { amountCents }, { ...citizen.auth, 'idempotency-key': randomUUID() });

describe('GET /metrics', () => {
  it('counts recharges and debits by outcome', async () => {
    const key = randomUUID();
    expect((await recharge(key)).status).toBe(201);
    expect((await recharge(key)).status).toBe(201);
    expect((await debit(400)).status).toBe(201);
    expect((await debit(1_000_000)).status).toBe(422);

    const text = await scrape();
    expect(valueOf(text, 'card_operations_total', { operation: 'recharge', outcome: 'ok' })).toBe(1);
    expect(valueOf(text, 'card_operations_total', { operation: 'recharge', outcome: 'replayed' })).toBe(1);
    expect(valueOf(text, 'card_operations_total', { operation: 'debit', outcome: 'ok' })).toBe(1);
    expect(valueOf(text, 'card_operations_total', { operation: 'debit', outcome: 'insufficient-funds' })).toBe(1);
  });

  it('has a request duration histogram by route pattern and status, never by raw path', async () => {
    const unknownCard = randomUUID();
    expect((await t.fetch(`/v1/cards/${unknownCard}`, { headers: citizen.auth })).status).toBe(404);
    const text = await scrape();
    const route = /route="(\/v1\/cards\/[^"]*)"/.exec(text.split('\n').find((l) => l.includes('status="404"'))!)?.[1];
    expect(route).toMatch(/^\/v1\/cards\/[:{]id/);
    expect(text).not.toContain(unknownCard);
    expect(valueOf(text, 'http_request_duration_seconds_count', { method: 'GET', route: route!, status: '404' })).toBe(1);
    expect(
      valueOf(text, 'http_request_duration_seconds_bucket', { method: 'GET', route: route!, status: '404', le: '+Inf' }),
    ).toBe(1);
    // Requests that match no route share one series.
    expect((await t.fetch(`/nowhere/${randomUUID()}`)).status).toBe(404);
    expect(valueOf(await scrape(), 'http_request_duration_seconds_count', { route: 'none', status: '404' })).toBe(1);
  });

  it('counts bot turns by flow and outcome', async () => {
    const key = { channel: 'test', conversationId: randomUUID(), channelUserId: randomUUID() };
    await t.app.engine.handleTurn(key, { text: 'oi', attachments: [] }, randomUUID(), null);
    await t.app.engine.handleTurn(key, { text: '5', attachments: [] }, randomUUID(), null);
    const text = await scrape();
    expect(valueOf(text, 'bot_turns_total', { flow: 'question', outcome: 'ok' })).toBe(1);
    const all = text
      .split('\n')
      .filter((l) => l.startsWith('bot_turns_total{'))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    expect(all).toBe(2);
  });

  it('reports the database pool and the event-loop lag', async () => {
    const text = await scrape();
    const max = t.app.config.database.kind === 'postgresql' ? t.app.config.database.poolMax : 1;
    expect(valueOf(text, 'db_pool_connections', { state: 'max' })).toBe(max);
    expect(valueOf(text, 'db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(text, 'db_pool_connections', { state: 'waiting' })).toBe(0);
    expect(valueOf(text, 'nodejs_eventloop_lag_seconds', {})).toBeGreaterThanOrEqual(0);
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  let guarded: TestApp;
  const token = 'scrape-token-0123456789';
  beforeAll(async () => {
    guarded = await startTestApp({ env: { METRICS_TOKEN: token } });
  });
  afterAll(async () => {
    await guarded.close();
  });

  it('answers 401 problem without the bearer token or with a wrong one', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789' }, { authorization: token }]) {
      const res = await guarded.fetch('/metrics', { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await res.json()).toMatchObject({ type: '/problems/unauthorized', status: 401 });
    }
  });

  it('answers the metrics with it', async () => {
    expect(await scrape(guarded, { authorization: `Bearer ${token}` })).toContain('http_request_duration_seconds');
  });
});
