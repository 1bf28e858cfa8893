import { createServer } from 'node:net';
import { Client } from 'pg';
import { PgBoss } from 'pg-boss';
import { spawnApp, type AppProcess } from '../support/app-process';
import {
  cardsOf,
  createScratchDatabase,
  killApp,
  postJson,
  postgresAppEnv,
  registerRemoteCitizen,
  runLedgerVerify,
  waitFor,
  type RemoteCitizen,
} from '../support/remote-app';
import { requirePostgres } from '../support/require-postgres';
import { startPixEnvironment, type PixEnvironment } from '../support/pix';
import type { Pix } from '../../scripts/pix-psp/stand-in';

/**
 * Issue 19 §8: webhooks for many paid orders arrive while the app is killed (SIGKILL) and restarted on the same
 * PostgreSQL database. The stand-in PSP delivers again every call that got no 200 (as a PSP retries), some payments'
 * webhooks are lost altogether and only reconciliation finds them; in the end every paid order is credited exactly once:
 * one ledger entry naming its e2eid, with its amount, and `npm run ledger:verify` holds.
 */
requirePostgres();
jest.setTimeout(180_000);

const CITIZENS = 3;
const ORDERS_PER_CITIZEN = 10;
/** Payments whose webhook never arrives: reconciliation must credit them. */
const LOST = 5;
/** Payments per webhook call: the PSP may report several at once. */
const PER_CALL = 2;

let drop: (() => Promise<void>) | undefined;
let app: AppProcess | undefined;
let pix: PixEnvironment | undefined;

afterAll(async () => {
  await killApp(app);
  await pix?.close();
  await drop?.();
});

/** A port free on loopback now: the webhook must listen on the same one after the restart, where the PSP calls it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Order {
  id: string;
  txid: string;
  amountCents: number;
  citizen: RemoteCitizen;
}

interface Delivery {
  payments: Pix[];
  /** The last answer of the app, or 'error' when the connection failed (the app was dead or died mid-call). */
  status?: number | 'error';
}

it('credits every paid order exactly once when webhooks arrive across a kill -9 and a restart', async () => {
  const scratch = await createScratchDatabase();
  drop = scratch.drop;
  const databaseUrl = scratch.url;
  pix = await startPixEnvironment();
  const environment = pix;
  const webhookPort = await freePort();
  const env = postgresAppEnv(databaseUrl, {
    ...environment.env,
    PIX_WEBHOOK_PORT: String(webhookPort),
    PIX_MAX_PENDING_ORDERS: '1000',
    PIX_DAILY_LIMIT_CENTS: '100000000',
    PIX_MONTHLY_LIMIT_CENTS: '100000000',
  });
  app = await spawnApp(env);
  environment.registerWebhook(webhookPort);

  const orders: Order[] = [];
  for (let c = 0; c < CITIZENS; c++) {
    const citizen = await registerRemoteCitizen(app.baseUrl);
    const [cardId] = await cardsOf(app.baseUrl, citizen);
    for (let i = 0; i < ORDERS_PER_CITIZEN; i++) {
      const amountCents = 100 + c * 1000 + i * 7;
      const res = await postJson(
        app.baseUrl,
        `/v1/cards/${cardId}/recharge-orders`,
        { amountCents },
        { ...citizen.auth, 'idempotency-key': `kill-${c}-${i}` },
      );
      expect(res.status).toBe(201);
      const body = (await res.json()) as { id: string; txid: string };
      orders.push({ id: body.id, txid: body.txid, amountCents, citizen });
    }
  }

  // Every charge is paid at the PSP; the webhooks go out afterwards, in calls of PER_CALL payments, LOST never.
  const payments: Pix[] = [];
  for (const order of orders) payments.push(await environment.psp.pay(order.txid, { notify: false }));
  const delivered = payments.slice(0, payments.length - LOST);
  const deliveries: Delivery[] = [];
  for (let i = 0; i < delivered.length; i += PER_CALL) deliveries.push({ payments: delivered.slice(i, i + PER_CALL) });

  // Four concurrent senders; the app is killed as the third call is answered, so the rest hit it dying or dead. The
  // sender that sees that answer kills it before sending again: polling from outside let a fast, quiet machine answer
  // every call before the kill.
  let next = 0;
  let answered = 0;
  const running = app;
  let killed: Promise<void> | null = null;
  const kill = (): Promise<void> =>
    (killed ??= (async () => {
      running.child.kill('SIGKILL');
      await running.exited;
    })());
  const senders = Array.from({ length: 4 }, async () => {
    while (next < deliveries.length) {
      const delivery = deliveries[next++];
      delivery.status = await environment.psp.notify(delivery.payments);
      if (delivery.status === 200 && ++answered === 3) await kill();
    }
  });
  await Promise.all(senders);
  await kill();
  const unanswered = deliveries.filter((d) => d.status !== 200);
  expect(unanswered.length).toBeGreaterThan(0);

  // Restart on the same database and webhook port; the PSP delivers again every call that got no 200.
  app = await spawnApp(env);
  for (const delivery of unanswered) {
    await waitFor('the PSP to deliver a webhook again', 20_000, async () => {
      delivery.status = await environment.psp.notify(delivery.payments);
      return delivery.status === 200;
    });
  }
  // Deliveries the dead app may have committed before dying are delivered again too: replays change nothing.
  for (const delivery of deliveries.slice(0, 3)) expect(await environment.psp.notify(delivery.payments)).toBe(200);

  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const statusOf = async () => {
      const { rows } = await client.query<{ txid: string; status: string }>('select txid, status from recharge_orders');
      return new Map(rows.map((row) => [row.txid, row.status]));
    };
    const afterWebhooks = await statusOf();
    for (const payment of delivered) expect(afterWebhooks.get(payment.txid)).toBe('paid');
    for (const payment of payments.slice(-LOST)) expect(afterWebhooks.get(payment.txid)).toBe('pending');

    // The lost ones: reconciliation, queued as its schedule would, reads the PSP's received payments and credits them.
    const boss = new PgBoss({ connectionString: databaseUrl, schema: 'pgboss', schedule: false, supervise: false });
    await boss.start();
    try {
      expect(await boss.send('reconcile-pix-payments', {})).not.toBeNull();
    } finally {
      await boss.stop({ graceful: false });
    }
    await waitFor('reconciliation to credit the lost payments', 60_000, async () =>
      [...(await statusOf()).values()].every((status) => status === 'paid'),
    );

    // Exactly once: each order has one ledger entry, naming its payment's e2eid, with its amount; no other Pix credit.
    const { rows } = await client.query<{ txid: string; e2eid: string; amount_cents: string; credits: string }>(
      `select o.txid, o.e2eid, o.amount_cents, count(l.id) as credits
         from recharge_orders o left join card_ledger l on l.pix_e2eid = o.e2eid
        group by o.txid, o.e2eid, o.amount_cents`,
    );
    expect(rows).toHaveLength(orders.length);
    const byTxid = new Map(payments.map((payment) => [payment.txid, payment.endToEndId]));
    for (const row of rows) {
      expect(row.e2eid).toBe(byTxid.get(row.txid));
      expect(Number(row.credits)).toBe(1);
    }
    const totals = await client.query<{ credits: string; sum: string }>(
      `select count(*) as credits, coalesce(sum(amount_cents), 0) as sum from card_ledger where pix_e2eid is not null`,
    );
    expect(Number(totals.rows[0].credits)).toBe(orders.length);
    expect(Number(totals.rows[0].sum)).toBe(orders.reduce((sum, order) => sum + order.amountCents, 0));
  } finally {
    await client.end();
  }
  const verified = await runLedgerVerify(databaseUrl);
  expect(verified.output).toContain('all invariants hold');
  expect(verified.code).toBe(0);
});
