import { randomUUID } from 'node:crypto';
import { requestFingerprint } from '../../src/transport/idempotency';
import { firstCardId, postJson, registerAdmin } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Idempotency keys stored before the upgrade were scoped to HTTP routes; the migration renames them to operations, so a
 * retry of a request made before the upgrade is still answered with its stored outcome and runs nothing again. Run
 * down to the migration before it, fed with keys as the old release stored them, and up again.
 */
const BEFORE = 'Migration20261206000000_channel_trust';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

it('rewrites route-scoped keys to operation names: a retry after the upgrade replays the stored outcome', async () => {
  // An admin, on their own card: the simulated recharge is an admin's tool (citizens pay by Pix).
  const c = await registerAdmin(t);
  const cardId = await firstCardId(t, c);
  const em = t.app.db.em.fork();
  const headers = (key: string) => ({ ...c.auth, 'idempotency-key': key });
  const ledgerCount = async () =>
    Number((await em.execute('select count(*)::int as n from card_ledger where card_id = ?', [cardId]))[0].n);

  // A recharge, whose key the way down turns into the route-scoped key the old release would have stored.
  const rechargeKey = randomUUID();
  const first = await postJson(t, `/v1/cards/${cardId}/recharges`, { amountCents: 1500 }, headers(rechargeKey));
  expect(first.status).toBe(201);
  const firstBody = await first.text();

  await t.app.db.orm.migrator.down({ to: BEFORE });
  const routes = await em.execute<{ route: string }[]>('select route from idempotency_keys where user_id = ?', [c.id]);
  expect(routes).toEqual([{ route: 'POST /v1/cards/{id}/recharges' }]);
  // A debit refusal and a block, stored by the old release.
  const debitKey = randomUUID();
  const blockKey = randomUUID();
  const view = (await (await t.fetch(`/v1/cards/${cardId}`, { headers: c.auth })).json()) as Record<string, unknown>;
  const blocked = { ok: true, result: { card: { ...view, status: 'blocked' }, protocol: '2026-000042' } };
  const refusal = { ok: false, code: 'insufficient-funds', message: 'Saldo insuficiente (armazenado antes da atualização).' };
  for (const [route, key, request, outcome] of [
    ['POST /v1/cards/{id}/debits', debitKey, { cardId, amountCents: 90_000 }, refusal],
    ['POST /v1/cards/{id}/block', blockKey, { cardId, reason: 'lost' }, blocked],
  ] as const) {
    await em.execute(
      `insert into idempotency_keys (id, user_id, route, key, fingerprint, state, claim_token, locked_until, outcome, completed_at)
       values (?, ?, ?, ?, ?, 'completed', ?, now(), ?::jsonb, now())`,
      [randomUUID(), c.id, route, key, requestFingerprint(request), randomUUID(), JSON.stringify(outcome)],
    );
  }

  await t.app.db.orm.migrator.up();

  const migrated = await em.execute<{ route: string }[]>('select route from idempotency_keys where user_id = ? order by route', [
    c.id,
  ]);
  expect(migrated.map((row) => row.route)).toEqual(['card.block', 'card.debit', 'card.recharge']);

  const again = await postJson(t, `/v1/cards/${cardId}/recharges`, { amountCents: 1500 }, headers(rechargeKey));
  expect(again.status).toBe(201);
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect(await again.text()).toBe(firstBody);

  const debit = await postJson(t, `/v1/cards/${cardId}/debits`, { amountCents: 90_000 }, headers(debitKey));
  expect(debit.status).toBe(422);
  expect(debit.headers.get('idempotent-replayed')).toBe('true');
  expect(((await debit.json()) as { detail: string }).detail).toBe(refusal.message);

  // The stored block is answered again: the card was not blocked a second time (it was never blocked here at all).
  const block = await postJson(t, `/v1/cards/${cardId}/block`, { reason: 'lost' }, headers(blockKey));
  expect(block.status).toBe(200);
  expect(((await block.json()) as { protocol: string }).protocol).toBe('2026-000042');
  const card = (await (await t.fetch(`/v1/cards/${cardId}`, { headers: c.auth })).json()) as {
    status: string;
    balanceCents: number;
  };
  expect(card).toMatchObject({ status: 'active', balanceCents: 1500 });
  expect(await ledgerCount()).toBe(1);
});
