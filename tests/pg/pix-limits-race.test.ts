import { randomUUID } from 'node:crypto';
import { requirePostgres } from '../support/require-postgres';
import { startPixEnvironment, type PixEnvironment } from '../support/pix';
import { startTestApp, type TestApp } from '../support/test-app';
import { firstCardId, postJson, registerCitizen } from '../support/factories';

/** Concurrent recharge orders of one citizen cannot pass the pending-orders limit together (PostgreSQL, a pool). */
requirePostgres();

let pix: PixEnvironment;
let t: TestApp;

beforeAll(async () => {
  pix = await startPixEnvironment();
  t = await startTestApp({ env: { ...pix.env, DB_POOL_MAX: '10', PIX_MAX_PENDING_ORDERS: '2' } });
});
afterAll(async () => {
  await t?.close();
  await pix?.close();
});

it('accepts exactly as many of 6 concurrent orders as the limit allows', async () => {
  const citizen = await registerCitizen(t);
  const cardId = await firstCardId(t, citizen);
  const answers = await Promise.all(
    Array.from({ length: 6 }, () =>
      postJson(
        t,
        `/v1/cards/${cardId}/recharge-orders`,
        { amountCents: 500 },
        { ...citizen.auth, 'idempotency-key': randomUUID() },
      ),
    ),
  );
  const statuses = answers.map((res) => res.status).sort();
  expect(statuses).toEqual([201, 201, 409, 409, 409, 409]);
  const rows = await t.app.db.em
    .fork()
    .execute<Array<{ n: number }>>(`select count(*)::int as n from recharge_orders where user_id = ?`, [citizen.id]);
  expect(rows[0].n).toBe(2);
});
