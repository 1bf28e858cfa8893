import { request } from 'node:https';
import { parsePix, hasError } from 'pix-utils';
import { createTestPki } from '../../scripts/pix-psp/test-pki';
import { createLogger } from '../../src/shared/logger';
import { TestClock } from '../../src/shared/clock';
import { verifyLedger } from '../../src/transport/ledger-verification';
import { PIX_JOBS } from '../../src/payments/pix-jobs';
import type { DomainEvent } from '../../src/shared/domain-events';
import { firstCardId, postJson, registerCitizen, type SignedInCitizen } from '../support/factories';
import { capturedLogs, startPixEnvironment, type PixEnvironment } from '../support/pix';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Recharges paid by Pix, end to end over real HTTPS with mutual TLS on 127.0.0.1: the app creates the charge at the
 * stand-in PSP (OAuth2 client credentials, its client certificate), the stand-in "pays" it and calls the app's webhook
 * port with its own client certificate, and the card is credited once. Runs on PGlite and on PostgreSQL
 * (TEST_DATABASE_URL); the concurrent deliveries are in tests/pg/pix-webhook-race.test.ts.
 */

let pix: PixEnvironment;
let t: TestApp;
let citizen: SignedInCitizen;
let cardId: string;
const clock = new TestClock(new Date());
const logs = capturedLogs();
/**
 * The 'pix-refunded' events the outbox holds for an order (the chat's notices are sent from them), with their keys:
 * what the refund's transaction wrote, committed with the order's change to `refunded`.
 */
async function refundsOf(orderId: string): Promise<Array<{ key: string; event: DomainEvent }>> {
  const rows = await t.app.db.em
    .fork()
    .execute<Array<{ key: string; payload: unknown }>>(
      `select key, payload from outbox_events where type = 'pix-refunded' and payload->>'orderId' = ? order by id`,
      [orderId],
    );
  return rows.map(({ key, payload }) => ({
    key,
    event: (typeof payload === 'string' ? JSON.parse(payload) : payload) as DomainEvent,
  }));
}

interface OrderView {
  id: string;
  cardId: string;
  status: string;
  txid: string;
  amountCents: number;
  brCode: string;
  qrCode: string;
  expiresAt: string;
  paidAt: string | null;
  refundReason: string | null;
}

beforeAll(async () => {
  pix = await startPixEnvironment();
  t = await startTestApp({
    env: { ...pix.env, CARD_BALANCE_CAP_CENTS: '10000', PIX_MAX_PENDING_ORDERS: '1000' },
    clock,
    logger: createLogger('info', logs.stream),
  });
  pix.registerWebhook(t.app.pixWebhookPort());
  citizen = await registerCitizen(t);
  cardId = await firstCardId(t, citizen);
});
afterAll(async () => {
  await t?.close();
  await pix?.close();
});

let keys = 0;
async function order(amountCents: number, card = cardId, who = citizen): Promise<OrderView> {
  keys += 1;
  const res = await postJson(
    t,
    `/v1/cards/${card}/recharge-orders`,
    { amountCents },
    { ...who.auth, 'idempotency-key': `pix-${keys}` },
  );
  expect(res.status).toBe(201);
  return (await res.json()) as OrderView;
}

async function balance(card = cardId, who = citizen): Promise<number> {
  return ((await (await t.fetch(`/v1/cards/${card}`, { headers: who.auth })).json()) as { balanceCents: number }).balanceCents;
}

async function getOrder(id: string, who = citizen): Promise<OrderView> {
  return (await (await t.fetch(`/v1/recharge-orders/${id}`, { headers: who.auth })).json()) as OrderView;
}

/** POSTs a webhook body to the app's webhook port with the given client certificate (or none). */
function deliver(body: unknown, client?: { cert: string; key: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body));
    const req = request(
      {
        host: '127.0.0.1',
        port: t.app.pixWebhookPort()!,
        path: '/webhook/pix',
        method: 'POST',
        ca: pix.pki.ca,
        agent: false,
        ...client,
        headers: { 'content-type': 'application/json', 'content-length': payload.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('POST /v1/cards/{id}/recharge-orders', () => {
  it('creates a pending Pix charge with a txid, a BR Code with a valid CRC and a QR code, and leaves the balance alone', async () => {
    const before = await balance();
    const created = await order(1250);
    expect(created).toMatchObject({ cardId, status: 'pending', amountCents: 1250, paidAt: null, refundReason: null });
    expect(created.txid).toMatch(/^[a-zA-Z0-9]{26,35}$/);
    expect(new Date(created.expiresAt).getTime()).toBe(clock.now().getTime() + 1800 * 1000);
    expect(created.qrCode).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    const parsed = parsePix(created.brCode);
    expect(hasError(parsed)).toBe(false);
    // A dynamic Pix pointing at the charge's payload location at the PSP; a changed digit breaks its CRC.
    const cob = pix.psp.cobs.get(created.txid)!;
    expect(parsed).toMatchObject({ type: 'DYNAMIC', url: cob.location, merchantName: 'PREFEITURA DO RIO' });
    expect(hasError(parsePix(created.brCode.replace(cob.location, cob.location.replace(/.$/, 'x'))))).toBe(true);
    expect(cob).toMatchObject({ status: 'ATIVA', valor: { original: '12.50' }, calendario: { expiracao: 1800 } });
    expect(await balance()).toBe(before);
  });

  it('answers a retry with the same Idempotency-Key with the same order, and makes one charge', async () => {
    const headers = { ...citizen.auth, 'idempotency-key': 'pix-retry-1' };
    const first = await postJson(t, `/v1/cards/${cardId}/recharge-orders`, { amountCents: 700 }, headers);
    const charges = pix.psp.cobs.size;
    const again = await postJson(t, `/v1/cards/${cardId}/recharge-orders`, { amountCents: 700 }, headers);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const [a, b] = [(await first.json()) as OrderView, (await again.json()) as OrderView];
    expect(b.id).toBe(a.id);
    expect(b.brCode).toBe(a.brCode);
    expect(pix.psp.cobs.size).toBe(charges);
  });

  it.each([
    ['no Idempotency-Key', { amountCents: 500 }, {}, 400, 'idempotency-key-required'],
    ['centavos that are not whole', { amountCents: 12.5 }, { 'idempotency-key': 'bad-1' }, 422, 'validation-error'],
    ['an amount that is text', { amountCents: '10' }, { 'idempotency-key': 'bad-2' }, 422, 'validation-error'],
    ['an amount below the minimum', { amountCents: 50 }, { 'idempotency-key': 'bad-3' }, 422, 'validation-error'],
    ['an amount above the maximum', { amountCents: 50_001 }, { 'idempotency-key': 'bad-4' }, 422, 'validation-error'],
  ])('refuses %s with a pt-BR problem and charges nothing', async (_case, body, headers, status, code) => {
    const charges = pix.psp.cobs.size;
    const res = await postJson(t, `/v1/cards/${cardId}/recharge-orders`, body, { ...citizen.auth, ...headers });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const problem = (await res.json()) as { type: string; detail: string; errors?: Array<{ field: string; message: string }> };
    expect(problem.type).toBe(`/problems/${code}`);
    expect(problem.detail).toMatch(/[ãçéêíóú]|Envie|Idempotency-Key|inválid/);
    if (status === 422) expect(problem.errors?.[0]?.field).toMatch(/amountCents/);
    expect(pix.psp.cobs.size).toBe(charges);
  });

  it('refuses an order that would take the card over its balance cap before charging', async () => {
    const res = await postJson(
      t,
      `/v1/cards/${cardId}/recharge-orders`,
      { amountCents: 10_001 - (await balance()) },
      {
        ...citizen.auth,
        'idempotency-key': 'over-cap',
      },
    );
    expect(res.status).toBe(422);
    expect(((await res.json()) as { type: string }).type).toBe('/problems/balance-limit');
  });
});

describe('GET recharge orders', () => {
  it("lists a card's orders newest first and shows one, only to their citizen", async () => {
    const created = await order(300);
    const list = (await (await t.fetch(`/v1/cards/${cardId}/recharge-orders?limit=2`, { headers: citizen.auth })).json()) as {
      items: OrderView[];
      nextCursor: string | null;
    };
    expect(list.items[0].id).toBe(created.id);
    expect(list.nextCursor).not.toBeNull();
    expect(await getOrder(created.id)).toMatchObject({ id: created.id, status: 'pending', brCode: created.brCode });
    const other = await registerCitizen(t);
    expect((await t.fetch(`/v1/recharge-orders/${created.id}`, { headers: other.auth })).status).toBe(404);
    expect((await t.fetch(`/v1/cards/${cardId}/recharge-orders`, { headers: other.auth })).status).toBe(404);
  });
});

describe('the data export (LGPD)', () => {
  it("includes the citizen's recharge orders, without payment identifiers", async () => {
    const created = await order(350);
    const data = (await (await t.fetch('/v1/me/export', { headers: citizen.auth })).json()) as {
      rechargeOrders: Array<Record<string, unknown>>;
    };
    const exported = data.rechargeOrders.find((o) => o.id === created.id);
    expect(exported).toMatchObject({ txid: created.txid, amountCents: 350, status: 'pending' });
    expect(exported).not.toHaveProperty('e2eid');
  });
});

describe('erasure and payer data (LGPD)', () => {
  /** Tables (app and queue schemas) with a row whose text contains `needle`. */
  async function tablesContaining(needle: string): Promise<string[]> {
    const em = t.app.db.em.fork();
    const tables = await em.execute<Array<{ schema: string; name: string }>>(
      `select table_schema as schema, table_name as name from information_schema.tables
        where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
    );
    const found: string[] = [];
    for (const { schema, name } of tables) {
      const rows = await em.execute<Array<{ n: number }>>(
        `select count(*)::int as n from "${schema}"."${name}" r where r::text ilike ?`,
        [`%${needle}%`],
      );
      if (rows[0].n > 0) found.push(`${schema}.${name}`);
    }
    return found;
  }

  it("keeps nothing of the payer, and erasure keeps the paid order and its credit tied only to the erased account's id", async () => {
    const payer = await registerCitizen(t);
    const payerCard = await firstCardId(t, payer);
    const created = await order(700, payerCard, payer);
    // The payment as a real PSP may report it: the payer's free text (name and CPF included) in `infoPagador`.
    const paid = await pix.psp.pay(created.txid, { notify: false });
    paid.infoPagador = 'Pago por Josefa Payerovna CPF 390.533.447-05';
    expect(await pix.psp.notify([paid])).toBe(200);
    expect(await balance(payerCard, payer)).toBe(700);
    expect(await tablesContaining('Payerovna')).toEqual([]);
    expect(await tablesContaining('390.533.447-05')).toEqual([]);

    expect((await t.fetch('/v1/me', { method: 'DELETE', headers: payer.auth })).status).toBe(204);
    // What reconciliation and the ledger need stays: the order, paid, with its e2eid, and the credit naming it.
    const kept = await t.app.db.em.fork().execute<Array<Record<string, unknown>>>(
      `select o.status, o.user_id, o.e2eid, l.pix_e2eid from recharge_orders o join card_ledger l on l.id = o.ledger_entry_id
        where o.id = ?`,
      [created.id],
    );
    expect(kept).toEqual([{ status: 'paid', user_id: payer.id, e2eid: paid.endToEndId, pix_e2eid: paid.endToEndId }]);
    // ...and nothing names the person any more: the account's row is pseudonymised, the id is all that links them. (The
    // e-mail and CPF are this citizen's alone; the test name is every test citizen's.)
    for (const personal of [payer.input.email, payer.input.cpf]) {
      expect(await tablesContaining(personal)).toEqual([]);
    }
    expect((await verifyLedger(t.app.db.em.fork())).violations).toEqual([]);
  });
});

describe('the Pix webhook', () => {
  it('credits the card once when the charge is paid, in the same transaction as the order becomes paid', async () => {
    const before = await balance();
    const created = await order(2000);
    const paid = await pix.psp.pay(created.txid);
    expect(pix.psp.deliveries.at(-1)!.status).toBe(200);
    expect(await balance()).toBe(before + 2000);
    const settled = await getOrder(created.id);
    expect(settled).toMatchObject({ status: 'paid', paidAt: paid.horario });
    const history = (await (
      await t.fetch(`/v1/cards/${cardId}/transactions?type=recharge`, { headers: citizen.auth })
    ).json()) as {
      items: Array<{ amountCents: number; description: string }>;
    };
    expect(history.items[0]).toMatchObject({ amountCents: 2000, description: 'Recarga por Pix' });
    const entry = await t.app.db.em.fork().execute<Array<{ pix_e2eid: string; order_status: string }>>(
      `select l.pix_e2eid, o.status as order_status from card_ledger l join recharge_orders o on o.ledger_entry_id = l.id
          where o.id = ?`,
      [created.id],
    );
    expect(entry).toEqual([{ pix_e2eid: paid.endToEndId, order_status: 'paid' }]);
    // Its notice is in the outbox, committed with the credit and keyed by its ledger entry.
    const events = () =>
      t.app.db.em.fork().execute<Array<{ payload: unknown }>>(
        `select e.payload from outbox_events e join recharge_orders o on e.key = 'recharge-confirmed:' || o.ledger_entry_id
          where o.id = ?`,
        [created.id],
      );
    const [event] = await events();
    const payload = (typeof event.payload === 'string' ? JSON.parse(event.payload) : event.payload) as Record<string, unknown>;
    expect(payload).toMatchObject({ type: 'recharge-confirmed', userId: citizen.id, cardId, amountCents: 2000 });

    // The same webhook replayed later (the PSP retries; a day later is the same to the database) changes nothing.
    const now = clock.now();
    clock.set(new Date(now.getTime() + 86_400_000));
    expect(await pix.psp.notify([paid])).toBe(200);
    expect(await pix.psp.notify([paid, paid])).toBe(200);
    clock.set(now);
    expect(await balance()).toBe(before + 2000);
    expect(await events()).toHaveLength(1);
    expect((await verifyLedger(t.app.db.em.fork())).violations).toEqual([]);
  });

  it('settles several payments delivered in one call', async () => {
    const before = await balance();
    const [a, b] = [await order(150), await order(250)];
    const payments = [await pix.psp.pay(a.txid, { notify: false }), await pix.psp.pay(b.txid, { notify: false })];
    expect(await pix.psp.notify(payments)).toBe(200);
    expect(await balance()).toBe(before + 400);
    expect((await getOrder(a.id)).status).toBe('paid');
    expect((await getOrder(b.id)).status).toBe('paid');
  });

  it('changes nothing, and logs it, for a caller without a client certificate or with one from another CA', async () => {
    const before = await balance();
    const created = await order(900);
    const paid = await pix.psp.pay(created.txid, { notify: false });
    const otherCa = await createTestPki();
    logs.lines.length = 0;
    expect(await deliver({ pix: [paid] })).toBe(401);
    expect(await deliver({ pix: [paid] }, otherCa.pspClient)).toBe(401);
    expect(await balance()).toBe(before);
    expect((await getOrder(created.id)).status).toBe('pending');
    const refusals = logs.lines.filter((line) => line.msg === 'pix webhook refused: not mutually authenticated');
    expect(refusals).toHaveLength(2);
    // The PSP's own certificate is accepted.
    expect(await deliver({ pix: [paid] }, pix.pki.pspClient)).toBe(200);
    expect(await balance()).toBe(before + 900);
  });

  it('changes nothing, and logs it, for a payment naming an unknown txid', async () => {
    const before = await balance();
    logs.lines.length = 0;
    const unknown = {
      endToEndId: 'E99999999202612061200abcdefghijk',
      txid: 'a'.repeat(32),
      valor: '10.00',
      horario: new Date().toISOString(),
    };
    expect(await deliver({ pix: [unknown] }, pix.pki.pspClient)).toBe(200);
    expect(await balance()).toBe(before);
    expect(logs.lines.find((line) => line.msg === 'pix payment for an unknown txid: nothing changed')).toMatchObject({
      txid: unknown.txid,
      e2eid: unknown.endToEndId,
    });
  });

  it('gives back a payment that arrives after the expiry, through the PSP, and tracks the refund to the end', async () => {
    const before = await balance();
    const created = await order(400);
    const paid = await pix.psp.pay(created.txid, { at: new Date(new Date(created.expiresAt).getTime() + 1000) });
    expect(await balance()).toBe(before);
    expect(await getOrder(created.id)).toMatchObject({ status: 'refunding', refundReason: 'late' });
    const refund = paid.devolucoes?.[0];
    expect(refund).toMatchObject({ valor: '4.00', status: 'EM_PROCESSAMENTO' });
    expect(await refundsOf(created.id)).toEqual([]);
    await pix.psp.settleRefund(paid.endToEndId, refund!.id, 'DEVOLVIDO');
    expect((await getOrder(created.id)).status).toBe('refunded');
    expect((await verifyLedger(t.app.db.em.fork())).violations).toEqual([]);
    // The citizen is told once, after the refund is final: exactly one outbox event, keyed by the refund, written with
    // the order's change; the same report again (and twice in one call) writes none.
    const told = [
      {
        key: `pix-refunded:${refund!.id}`,
        event: {
          type: 'pix-refunded',
          userId: citizen.id,
          cardId,
          maskedNumber: expect.stringMatching(/^•••• \d{4}$/),
          orderId: created.id,
          amountCents: 400,
          reason: 'late',
        },
      },
    ];
    expect(await refundsOf(created.id)).toEqual(told);
    expect(await pix.psp.notify([paid])).toBe(200);
    expect(await pix.psp.notify([paid, paid])).toBe(200);
    expect(await refundsOf(created.id)).toEqual(told);
  });

  it('gives back a payment for a card blocked since the order', async () => {
    const other = await registerCitizen(t);
    const otherCard = await firstCardId(t, other);
    const created = await order(500, otherCard, other);
    const blocked = await postJson(t, `/v1/cards/${otherCard}/block`, { reason: 'lost' }, other.auth);
    expect(blocked.status).toBe(200);
    const paid = await pix.psp.pay(created.txid);
    expect(await getOrder(created.id, other)).toMatchObject({ status: 'refunding', refundReason: 'card-not-active' });
    await pix.psp.settleRefund(paid.endToEndId, paid.devolucoes![0].id, 'NAO_REALIZADO');
    expect((await getOrder(created.id, other)).status).toBe('refund_failed');
    expect(await balance(otherCard, other)).toBe(0);
    // Nothing went back: no refund notice (an operator takes it from the error log).
    expect(await refundsOf(created.id)).toEqual([]);
  });
});

async function runJob(name: string) {
  const runner = t.app.services.jobRunner;
  return runner.waitFor(name, await runner.send(name));
}

describe('the Pix jobs', () => {
  it('expire unpaid orders at their expiry on the app clock, and a payment made before it still credits the order', async () => {
    const before = await balance();
    const [unpaid, paidInTime] = [await order(600), await order(700)];
    const payment = await pix.psp.pay(paidInTime.txid, { notify: false });
    const now = clock.now();
    clock.set(new Date(new Date(unpaid.expiresAt).getTime() - 1000));
    expect((await runJob(PIX_JOBS.expireOrders)).state).toBe('completed');
    clock.set(new Date(new Date(unpaid.expiresAt).getTime() + 1000));
    expect((await runJob(PIX_JOBS.expireOrders)).state).toBe('completed');
    clock.set(now);
    expect((await getOrder(unpaid.id)).status).toBe('expired');
    expect((await getOrder(paidInTime.id)).status).toBe('expired');
    // The webhook of the payment made in time arrives after the expiry job ran.
    expect(await pix.psp.notify([payment])).toBe(200);
    expect(await getOrder(paidInTime.id)).toMatchObject({ status: 'paid', refundReason: null });
    expect(await balance()).toBe(before + 700);
  });

  it('credit a payment whose webhook was lost, by reconciliation with the PSP, once', async () => {
    const before = await balance();
    const created = await order(1100);
    const lost = await pix.psp.pay(created.txid, { notify: false });
    expect((await getOrder(created.id)).status).toBe('pending');
    // Reconciliation reads up to the app's now: the test clock is brought to the time the payment was made.
    clock.set(new Date(lost.horario));
    expect((await runJob(PIX_JOBS.reconcile)).state).toBe('completed');
    expect((await getOrder(created.id)).status).toBe('paid');
    expect(await balance()).toBe(before + 1100);
    expect((await runJob(PIX_JOBS.reconcile)).state).toBe('completed');
    expect(await balance()).toBe(before + 1100);
  });

  it("follow a refund to its end when the PSP's webhook about it is lost", async () => {
    const created = await order(800);
    const paid = await pix.psp.pay(created.txid, { at: new Date(new Date(created.expiresAt).getTime() + 1000) });
    expect((await getOrder(created.id)).status).toBe('refunding');
    await runJob(PIX_JOBS.followRefunds);
    expect((await getOrder(created.id)).status).toBe('refunding');
    await pix.psp.settleRefund(paid.endToEndId, paid.devolucoes![0].id, 'DEVOLVIDO', { notify: false });
    await runJob(PIX_JOBS.followRefunds);
    expect((await getOrder(created.id)).status).toBe('refunded');
    // Told by the job just as by the webhook, once, and not again on the next run.
    await runJob(PIX_JOBS.followRefunds);
    expect(await refundsOf(created.id)).toMatchObject([
      { key: `pix-refunded:${paid.devolucoes![0].id}`, event: { amountCents: 800, reason: 'late', cardId, userId: citizen.id } },
    ]);
    // Asked again with the same id: still one refund at the PSP.
    expect(paid.devolucoes).toHaveLength(1);
  });
});

describe('/metrics and Pix', () => {
  it('counts the payments this app received, credited and gave back, matching the orders', async () => {
    const text = await (await t.fetch('/metrics')).text();
    const counted = (event: string) =>
      Number(new RegExp(`^pix_payments_total\\{event="${event}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    const [row] = await t.app.db.em.fork().execute<Array<Record<string, number>>>(
      `select count(*) filter (where status = 'paid')::int as paid,
              count(*) filter (where status = 'refunded')::int as refunded,
              count(*) filter (where status = 'refund_failed')::int as refund_failed,
              count(*) filter (where refund_reason is not null)::int as refunding
         from recharge_orders`,
    );
    // Every order of this file was settled by this app (webhook or reconciliation), once.
    expect(counted('credited')).toBe(row.paid);
    expect(counted('refunding')).toBe(row.refunding);
    expect(counted('refunded')).toBe(row.refunded);
    expect(counted('refund_failed')).toBe(row.refund_failed);
    // Webhook calls carried at least every payment they settled, and replays on top.
    expect(counted('received')).toBeGreaterThan(row.paid);
  });
});

describe('npm run ledger:verify and Pix', () => {
  it('reports a Pix credit that no paid order names', async () => {
    const em = t.app.db.em.fork();
    const card = await firstCardId(t, await registerCitizen(t));
    await em.execute(`update transport_cards set balance_cents = balance_cents + 100, ledger_seq = ledger_seq + 1 where id = ?`, [
      card,
    ]);
    await em.execute(
      `insert into card_ledger (id, card_id, seq, type, amount_cents, balance_after_cents, description, pix_e2eid)
       values (gen_random_uuid(), ?, 1, 'recharge', 100, 100, 'Recarga por Pix', 'E99999999202612061200forgedxxxx')`,
      [card],
    );
    const report = await verifyLedger(em);
    expect(report.violations).toEqual([expect.objectContaining({ cardId: card, rule: 'pix-credit-without-order' })]);
    expect(report.pixCreditsChecked).toBeGreaterThan(report.paidOrdersChecked - 1);
  });
});
