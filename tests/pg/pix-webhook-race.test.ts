import { randomUUID } from 'node:crypto';
import { verifyLedger } from '../../src/transport/ledger-verification';
import { requirePostgres } from '../support/require-postgres';
import { startPixEnvironment, type PixEnvironment } from '../support/pix';
import { startTestApp, type TestApp } from '../support/test-app';
import { firstCardId, postJson, registerCitizen } from '../support/factories';

/**
 * The same Pix webhook delivered three times at once, on PostgreSQL with a pool (PGlite's one connection would
 * serialise the deliveries and prove nothing): each delivery runs in its own connection, and the card is credited once.
 */
requirePostgres();

let pix: PixEnvironment;
let t: TestApp;

beforeAll(async () => {
  pix = await startPixEnvironment();
  t = await startTestApp({ env: { ...pix.env, DB_POOL_MAX: '10', PIX_MAX_PENDING_ORDERS: '100' } });
  pix.registerWebhook(t.app.pixWebhookPort());
});
afterAll(async () => {
  await t?.close();
  await pix?.close();
});

it('credits once when the same payment is delivered three times concurrently, for every one of 10 orders', async () => {
  const citizen = await registerCitizen(t);
  const cardId = await firstCardId(t, citizen);
  const orders: Array<{ id: string; txid: string }> = [];
  for (let i = 0; i < 10; i++) {
    const res = await postJson(
      t,
      `/v1/cards/${cardId}/recharge-orders`,
      { amountCents: 1000 + i },
      { ...citizen.auth, 'idempotency-key': randomUUID() },
    );
    expect(res.status).toBe(201);
    orders.push((await res.json()) as { id: string; txid: string });
  }
  for (const order of orders) {
    const paid = await pix.psp.pay(order.txid, { notify: false });
    const answers = await Promise.all([pix.psp.notify([paid]), pix.psp.notify([paid]), pix.psp.notify([paid])]);
    expect(answers).toEqual([200, 200, 200]);
  }
  const expected = orders.reduce((sum, _order, i) => sum + 1000 + i, 0);
  const card = (await (await t.fetch(`/v1/cards/${cardId}`, { headers: citizen.auth })).json()) as { balanceCents: number };
  expect(card.balanceCents).toBe(expected);
  const rows = await t.app.db.em.fork().execute<Array<{ n: number; paid: number }>>(
    `select (select count(*)::int from card_ledger where card_id = ? and pix_e2eid is not null) as n,
              (select count(*)::int from recharge_orders where card_id = ? and status = 'paid') as paid`,
    [cardId, cardId],
  );
  expect(rows[0]).toEqual({ n: 10, paid: 10 });
  expect((await verifyLedger(t.app.db.em.fork())).violations).toEqual([]);
});
