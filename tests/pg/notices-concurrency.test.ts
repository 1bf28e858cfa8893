import { randomUUID } from 'node:crypto';
import { buildApp, type App } from '../../src/main';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/shared/logger';
import { createMailer } from '../../src/shared/mailer';
import type { DomainEventOf } from '../../src/shared/domain-events';
import { requirePostgres } from '../support/require-postgres';
import { createTestDatabase, type TestApp } from '../support/test-app';
import { firstCardId, postJson, registerAdmin, registerCitizen, type SignedInCitizen } from '../support/factories';

/**
 * The low-balance alert under concurrent debits, through real HTTP on PostgreSQL (PGlite's one connection would
 * serialise them and prove nothing): the crossing is decided by each debit's own statement on the row version it
 * updates, so however many debits race across the threshold, exactly one alert is written to the outbox per
 * crossing.
 */
requirePostgres();

let t: TestApp;
/** Credits cards: the simulated recharge is an admin's tool (citizens pay by Pix). */
let admin: SignedInCitizen;

beforeAll(async () => {
  const testDatabase = await createTestDatabase();
  if (testDatabase.database.kind !== 'postgresql') throw new Error('expected PostgreSQL');
  // A pool large enough that the debits really run side by side in the database.
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
      RECHARGE_VELOCITY_PER_HOUR: '1000',
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
  admin = await registerAdmin(t);
});
afterAll(async () => {
  await t.close();
});

const move = (c: SignedInCitizen, cardId: string, kind: 'recharges' | 'debits', amountCents: number) =>
  postJson(
    t,
    `/v1/cards/${cardId}/${kind}`,
    { amountCents },
    { ...(kind === 'recharges' ? admin : c).auth, 'idempotency-key': randomUUID() },
  );

/** The citizen's low-balance events as the debits' statements wrote them to the outbox, oldest first. */
async function alertsOf(userId: string): Promise<Array<DomainEventOf<'low-balance'>>> {
  const rows = await t.app.db.em
    .fork()
    .execute<Array<{ payload: unknown }>>(
      `select payload from outbox_events where user_id = ? and type = 'low-balance' order by id`,
      [userId],
    );
  return rows.map(({ payload }) => (typeof payload === 'string' ? JSON.parse(payload) : payload) as DomainEventOf<'low-balance'>);
}

it('concurrent debits crossing the threshold alert once per crossing', async () => {
  const citizen = await registerCitizen(t);
  const cardId = await firstCardId(t, citizen);
  const set = await t.fetch('/v1/me/notifications', {
    method: 'PATCH',
    headers: { ...citizen.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ lowBalanceThresholdCents: 500 }),
  });
  expect(set.status).toBe(200);

  const rounds = 4;
  for (let round = 1; round <= rounds; round++) {
    // Back to R$ 10,00 (re-arms the alert), then ten debits of R$ 1,00 at once: exactly one takes 500 to 400.
    const balance = (
      (await (await t.fetch(`/v1/cards/${cardId}`, { headers: citizen.auth })).json()) as {
        balanceCents: number;
      }
    ).balanceCents;
    expect((await move(citizen, cardId, 'recharges', 1000 - balance)).status).toBe(201);
    const statuses = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const res = await move(citizen, cardId, 'debits', 100);
        await res.arrayBuffer();
        return res.status;
      }),
    );
    expect(statuses).toEqual(Array.from({ length: 10 }, () => 201));
    const alerts = await alertsOf(citizen.id);
    expect(alerts).toHaveLength(round);
    expect(alerts[round - 1]).toEqual({
      type: 'low-balance',
      userId: citizen.id,
      cardId,
      maskedNumber: expect.stringMatching(/^•••• \d{4}$/),
      balanceCents: 400,
      thresholdCents: 500,
    });
  }

  // Two debits of R$ 3,00 from R$ 7,00 at once: whichever runs second finds 400 and does not cross again.
  expect((await move(citizen, cardId, 'recharges', 700)).status).toBe(201);
  const [first, second] = await Promise.all([move(citizen, cardId, 'debits', 300), move(citizen, cardId, 'debits', 300)]);
  expect([first.status, second.status]).toEqual([201, 201]);
  const alerts = await alertsOf(citizen.id);
  expect(alerts).toHaveLength(rounds + 1);
  expect(alerts[rounds].balanceCents).toBe(400);
});
