import { randomInt, randomUUID } from 'node:crypto';
import { buildApp, type App } from '../../src/main';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/shared/logger';
import { createMailer } from '../../src/shared/mailer';
import { verifyLedger } from '../../src/transport/ledger-verification';
import { requirePostgres } from '../support/require-postgres';
import { createTestDatabase, type TestApp } from '../support/test-app';
import { postJson, registerAdmin, type SignedInCitizen, firstCardId } from '../support/factories';

// Admins, on their own cards: the simulated recharge is an admin's tool (citizens pay by Pix).

/**
 * Races between database connections, through real HTTP against the real app on PostgreSQL (PGlite has one
 * connection and would serialise everything, proving nothing).
 */
requirePostgres();

const VELOCITY = 15;
let t: TestApp;

beforeAll(async () => {
  const testDatabase = await createTestDatabase();
  if (testDatabase.database.kind !== 'postgresql') throw new Error('expected PostgreSQL');
  // A pool large enough that requests really run side by side in the database.
  const database = { ...testDatabase.database, poolMax: 20 };
  const logger = createLogger('silent');
  const config = {
    ...loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
      FILE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      RECHARGE_VELOCITY_PER_HOUR: String(VELOCITY),
      MAX_ACTIVE_CARDS: '3',
    }),
    database,
  };
  const app: App = await buildApp(config, { logger, mailer: createMailer(config.mail, logger, () => undefined) });
  const port = await app.listen();
  const baseUrl = `http://127.0.0.1:${port}`;
  t = {
    app,
    baseUrl,
    fetch: (path, init) => fetch(baseUrl + path, init),
    async close() {
      await app.close();
      await testDatabase.drop();
    },
  };
});
afterAll(async () => {
  await t.close();
});

const recharge = (c: SignedInCitizen, cardId: string, amountCents: number, key = randomUUID()) =>
  postJson(t, `/v1/cards/${cardId}/recharges`, { amountCents }, { ...c.auth, 'idempotency-key': key });
const debit = (c: SignedInCitizen, cardId: string, amountCents: number, key = randomUUID()) =>
  postJson(t, `/v1/cards/${cardId}/debits`, { amountCents }, { ...c.auth, 'idempotency-key': key });

async function balanceOf(c: SignedInCitizen, cardId: string): Promise<number> {
  return ((await (await t.fetch(`/v1/cards/${cardId}`, { headers: c.auth })).json()) as { balanceCents: number }).balanceCents;
}

async function entries(cardId: string, type?: string): Promise<number> {
  const rows = await t.app.db.em
    .fork()
    .execute(
      `select count(*)::int as n from card_ledger where card_id = ? ${type ? 'and type = ?' : ''}`,
      type ? [cardId, type] : [cardId],
    );
  return Number(rows[0].n);
}

async function statuses(responses: Array<Promise<Response>>): Promise<number[]> {
  const settled = await Promise.all(responses);
  return Promise.all(settled.map(async (res) => (await res.arrayBuffer(), res.status)));
}

const tally = (list: number[]) => list.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

it('R$ 10,00 and 50 concurrent R$ 1,00 debits: exactly 10 succeed, balance 0, 10 ledger entries', async () => {
  const c = await registerAdmin(t);
  const cardId = await firstCardId(t, c);
  expect((await recharge(c, cardId, 1000)).status).toBe(201);
  const result = await statuses(Array.from({ length: 50 }, () => debit(c, cardId, 100)));
  expect(tally(result)).toEqual({ 201: 10, 422: 40 });
  expect(await balanceOf(c, cardId)).toBe(0);
  expect(await entries(cardId, 'debit')).toBe(10);
});

it(`concurrent recharges on one card never pass the velocity limit (${VELOCITY} per hour)`, async () => {
  const c = await registerAdmin(t);
  const cardId = await firstCardId(t, c);
  const result = await statuses(Array.from({ length: 40 }, () => recharge(c, cardId, 100)));
  expect(tally(result)).toEqual({ 201: VELOCITY, 429: 40 - VELOCITY });
  expect(await entries(cardId, 'recharge')).toBe(VELOCITY);
  expect(await balanceOf(c, cardId)).toBe(VELOCITY * 100);
});

it('a random concurrent mix of recharges and debits across several cards keeps every invariant', async () => {
  const citizens = [await registerAdmin(t), await registerAdmin(t)];
  const cards: Array<{ owner: SignedInCitizen; id: string }> = [];
  for (const owner of citizens) {
    cards.push({ owner, id: await firstCardId(t, owner) });
    const extra = (await (await postJson(t, '/v1/cards', undefined, owner.auth)).json()) as { id: string };
    cards.push({ owner, id: extra.id });
  }
  const expected = new Map(cards.map((card) => [card.id, 0]));
  const operations = Array.from({ length: 160 }, async () => {
    const card = cards[randomInt(cards.length)];
    const isRecharge = randomInt(2) === 0;
    const amount = isRecharge ? randomInt(100, 30_001) : randomInt(1, 20_001);
    const res = await (isRecharge ? recharge(card.owner, card.id, amount) : debit(card.owner, card.id, amount));
    const body = (await res.json()) as { type?: string; balanceCents?: number };
    if (res.status === 201) expected.set(card.id, expected.get(card.id)! + (isRecharge ? amount : -amount));
    else expect(body.type).toMatch(/insufficient-funds|balance-limit|velocity-limit/);
    return res.status;
  });
  const result = await Promise.all(operations);
  expect(result.filter((s) => s === 201).length).toBeGreaterThan(0);
  for (const card of cards) {
    const balance = await balanceOf(card.owner, card.id);
    expect(balance).toBe(expected.get(card.id));
    expect(balance).toBeGreaterThanOrEqual(0);
    expect(balance).toBeLessThanOrEqual(100_000);
  }
  const report = await verifyLedger(t.app.db.em.fork());
  expect(report.violations).toEqual([]);
});

it('20 concurrent requests with one idempotency key: one effect; the others replay it or get 409', async () => {
  const c = await registerAdmin(t);
  const cardId = await firstCardId(t, c);
  const key = randomUUID();
  const responses = await Promise.all(Array.from({ length: 20 }, () => recharge(c, cardId, 700, key)));
  const bodies = await Promise.all(responses.map((res) => res.text()));
  const created = responses.map((res, i) => ({ res, body: bodies[i] })).filter(({ res }) => res.status === 201);
  expect(responses.every((res) => res.status === 201 || res.status === 409)).toBe(true);
  expect(created.filter(({ res }) => res.headers.get('idempotent-replayed') === null)).toHaveLength(1);
  expect(new Set(created.map(({ body }) => body)).size).toBe(1);
  for (const res of responses.filter((r) => r.status === 409)) expect(res.headers.get('content-type')).toContain('problem+json');
  expect(await entries(cardId)).toBe(1);
  expect(await balanceOf(c, cardId)).toBe(700);
  // Once the first has finished, the key answers with its stored response.
  const after = await recharge(c, cardId, 700, key);
  expect(after.headers.get('idempotent-replayed')).toBe('true');
  expect(await after.text()).toBe(created[0].body);
});

it('concurrent card requests never pass 3 cards, and a card is replaced only once', async () => {
  const c = await registerAdmin(t);
  const result = await statuses(Array.from({ length: 10 }, () => postJson(t, '/v1/cards', undefined, c.auth)));
  expect(tally(result)).toEqual({ 201: 2, 409: 8 });

  const cardId = await firstCardId(t, c);
  expect((await recharge(c, cardId, 900)).status).toBe(201);
  expect((await postJson(t, `/v1/cards/${cardId}/block`, { reason: 'lost' }, c.auth)).status).toBe(200);
  const replaced = await statuses(
    Array.from({ length: 5 }, () => postJson(t, `/v1/cards/${cardId}/replacement`, undefined, c.auth)),
  );
  expect(tally(replaced)).toEqual({ 201: 1, 409: 4 });
  const report = await verifyLedger(t.app.db.em.fork());
  expect(report.violations).toEqual([]);
});
