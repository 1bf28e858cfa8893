import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/test-app';
import { postJson, registerAdmin, firstCardId } from '../support/factories';

// The velocity limit set small, as a deployment would: 3 recharges per card per hour.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { RECHARGE_VELOCITY_PER_HOUR: '3' } });
});
afterAll(async () => {
  await t.close();
});

it('allows 3 recharges per card per hour, then answers 429 with Retry-After and changes nothing', async () => {
  // An admin, on their own card: the simulated recharge is an admin's tool (citizens pay by Pix).
  const c = await registerAdmin(t);
  const cardId = await firstCardId(t, c);
  const recharge = (key: string) =>
    postJson(t, `/v1/cards/${cardId}/recharges`, { amountCents: 100 }, { ...c.auth, 'idempotency-key': key });
  for (let i = 0; i < 3; i++) expect((await recharge(randomUUID())).status).toBe(201);

  const key = randomUUID();
  const refused = await recharge(key);
  expect(refused.status).toBe(429);
  const retryAfter = Number(refused.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(3500);
  expect(retryAfter).toBeLessThanOrEqual(3600);
  const body = (await refused.json()) as { type: string; detail: string };
  expect(body.type).toBe('/problems/velocity-limit');
  expect(body.detail).toContain('na última hora');

  // The refusal was not stored: the same key is refused again for the same reason, not replayed.
  const again = await recharge(key);
  expect(again.status).toBe(429);
  expect(again.headers.get('idempotent-replayed')).toBeNull();

  const card = (await (await t.fetch(`/v1/cards/${cardId}`, { headers: c.auth })).json()) as { balanceCents: number };
  expect(card.balanceCents).toBe(300);
  // Debits are fare taps, not limited by the recharge velocity.
  const fare = await postJson(
    t,
    `/v1/cards/${cardId}/debits`,
    { amountCents: 100 },
    { ...c.auth, 'idempotency-key': randomUUID() },
  );
  expect(fare.status).toBe(201);

  // The limit is per card: another card of the same citizen still takes recharges.
  const second = (await (await postJson(t, '/v1/cards', undefined, c.auth)).json()) as { id: string };
  const other = await postJson(
    t,
    `/v1/cards/${second.id}/recharges`,
    { amountCents: 100 },
    { ...c.auth, 'idempotency-key': randomUUID() },
  );
  expect(other.status).toBe(201);
});
