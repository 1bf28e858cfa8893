import { TestClock } from '../../src/shared/clock';
import { firstCardId, postJson, registerCitizen, signIn, type SignedInCitizen } from '../support/factories';
import { startPixEnvironment, type PixEnvironment } from '../support/pix';
import { startTestApp, type TestApp } from '../support/test-app';

/** The per-citizen Pix limits, set small: orders awaiting payment, and amounts per Rio day and month. */

let pix: PixEnvironment;
let t: TestApp;
// Mid-month, 15:00 in Rio.
const clock = new TestClock(new Date('2026-12-15T18:00:00Z'));

beforeAll(async () => {
  pix = await startPixEnvironment();
  t = await startTestApp({
    clock,
    env: { ...pix.env, PIX_MAX_PENDING_ORDERS: '2', PIX_DAILY_LIMIT_CENTS: '5000', PIX_MONTHLY_LIMIT_CENTS: '7000' },
  });
  pix.registerWebhook(t.app.pixWebhookPort());
});
afterAll(async () => {
  await t?.close();
  await pix?.close();
});

let keys = 0;
function order(who: SignedInCitizen, cardId: string, amountCents: number): Promise<Response> {
  keys += 1;
  return postJson(t, `/v1/cards/${cardId}/recharge-orders`, { amountCents }, { ...who.auth, 'idempotency-key': `l-${keys}` });
}

async function refusal(res: Response): Promise<{ status: number; type: string; detail: string }> {
  const body = (await res.json()) as { type: string; detail: string };
  return { status: res.status, type: body.type, detail: body.detail };
}

it('refuses a third order while two await payment, and accepts it once one is paid', async () => {
  const citizen = await registerCitizen(t);
  const cardId = await firstCardId(t, citizen);
  const first = (await (await order(citizen, cardId, 300)).json()) as { txid: string };
  expect((await order(citizen, cardId, 300)).status).toBe(201);
  expect(await refusal(await order(citizen, cardId, 300))).toEqual({
    status: 409,
    type: '/problems/quota-exceeded',
    detail: expect.stringMatching(/2 recargas por Pix aguardando pagamento/),
  });
  await pix.psp.pay(first.txid);
  expect((await order(citizen, cardId, 300)).status).toBe(201);
});

it('refuses what passes the daily limit, frees it the next Rio day, and then holds the monthly limit', async () => {
  const citizen = await registerCitizen(t);
  const cardId = await firstCardId(t, citizen);
  const paid = (await (await order(citizen, cardId, 3000)).json()) as { txid: string };
  await pix.psp.pay(paid.txid);
  expect(await refusal(await order(citizen, cardId, 2500))).toEqual({
    status: 409,
    type: '/problems/quota-exceeded',
    detail: expect.stringContaining('limite diário de R$ 50,00 em recargas por Pix (você ainda pode recarregar R$ 20,00 hoje)'),
  });
  // 00:30 of the next day in Rio (03:30 UTC): a new day, the same month.
  clock.set(new Date('2026-12-16T03:30:00Z'));
  const again = await signIn(t, citizen.input.email, citizen.input.password);
  const auth = { ...citizen, auth: { authorization: `Bearer ${again.accessToken}` } };
  expect((await order(auth, cardId, 2500)).status).toBe(201);
  expect(await refusal(await order(auth, cardId, 2000))).toEqual({
    status: 409,
    type: '/problems/quota-exceeded',
    detail: expect.stringContaining(
      'limite mensal de R$ 70,00 em recargas por Pix (você ainda pode recarregar R$ 15,00 neste mês)',
    ),
  });
});
