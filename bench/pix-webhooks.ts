/**
 * Webhooks to credit per second (issue 19 §8), run by bench/cards.ts in the same run as the recharge write ceiling and
 * on the same database: the built app with Pix on (the stand-in PSP of scripts/pix-psp in this process, a local CA),
 * `WEBHOOK_ORDERS` charges opened through the API and paid at the PSP, then one webhook call per payment, `CONCURRENCY`
 * at a time, each over a new mutual-TLS connection as a PSP makes them. A call counts once the app answered 200, which
 * it does after the credit (ledger entry + order `paid`) committed; every order is checked paid and credited at the end.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { createTestPki } from '../scripts/pix-psp/test-pki';
import { PixPspStandIn, type Pix } from '../scripts/pix-psp/stand-in';
import { load, round, startApp, type LoadResult } from './support';

const PIX_KEY = '12345678000195';

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

export interface WebhookBench {
  settings: { orders: number; warmUp: number; concurrency: number; connection: string };
  /** Webhook calls (one payment each) answered 200, i.e. credited, per second. */
  credited: LoadResult;
  /** Orders paid and Pix ledger entries afterwards (both must equal the orders). */
  check: { paidOrders: number; pixCredits: number };
}

/**
 * Starts the app (`appEnv` plus Pix) on `databaseUrl`, opens `orders` charges for `user` through the API, pays them at
 * the stand-in, and measures the webhook calls that credit them; stops the app and the PSP before returning.
 */
export async function webhooksToCredit(options: {
  appEnv: Record<string, string>;
  databaseUrl: string;
  pool: Pool;
  auth: Record<string, string>;
  cardId: string;
  orders: number;
  warmUp: number;
  concurrency: number;
}): Promise<WebhookBench> {
  const pki = await createTestPki();
  const dir = mkdtempSync(join(tmpdir(), 'cdc-bench-pix-'));
  const file = (name: string, pem: string) => {
    const path = join(dir, name);
    writeFileSync(path, pem);
    return path;
  };
  const psp = new PixPspStandIn({
    ca: pki.ca,
    server: pki.pspServer,
    webhookClient: pki.pspClient,
    clientId: 'carteira-app',
    clientSecret: 'psp-client-secret-for-bench',
    pixKey: PIX_KEY,
  });
  await psp.start();
  let app: ChildProcess | undefined;
  try {
    const webhookPort = await freePort();
    const started = await startApp({
      ...options.appEnv,
      DATABASE_URL: options.databaseUrl,
      PIX_PSP_URL: psp.url,
      PIX_CLIENT_ID: 'carteira-app',
      PIX_CLIENT_SECRET: 'psp-client-secret-for-bench',
      PIX_CLIENT_CERT_FILE: file('app-client.pem', pki.appClient.cert),
      PIX_CLIENT_KEY_FILE: file('app-client-key.pem', pki.appClient.key),
      PIX_PSP_CA_FILE: file('ca.pem', pki.ca),
      PIX_KEY,
      PIX_WEBHOOK_PORT: String(webhookPort),
      PIX_WEBHOOK_HOST: '127.0.0.1',
      PIX_WEBHOOK_TLS_CERT_FILE: file('webhook.pem', pki.webhookServer.cert),
      PIX_WEBHOOK_TLS_KEY_FILE: file('webhook-key.pem', pki.webhookServer.key),
      PIX_WEBHOOK_CLIENT_CA_FILE: file('ca.pem', pki.ca),
      PIX_MAX_PENDING_ORDERS: '1000',
      PIX_DAILY_LIMIT_CENTS: '1000000000000',
      PIX_MONTHLY_LIMIT_CENTS: '1000000000000',
    });
    app = started.child;
    psp.webhookUrl = `https://127.0.0.1:${webhookPort}/webhook`;

    // The charges, opened through the API (each a PUT /cob at the PSP), then paid without notifying.
    const payments: Pix[] = [];
    const total = options.warmUp + options.orders;
    await load(total, 4, async (_worker, i) => {
      const res = await fetch(`${started.baseUrl}/v1/cards/${options.cardId}/recharge-orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.auth, 'idempotency-key': `bench-order-${i}` },
        body: JSON.stringify({ amountCents: 100 }),
      });
      if (res.status !== 201) throw new Error(`order ${i}: ${res.status} ${await res.text()}`);
      payments[i] = await psp.pay(((await res.json()) as { txid: string }).txid, { notify: false });
      return true;
    });

    const deliver = async (i: number) => (await psp.notify([payments[i]])) === 200;
    await load(options.warmUp, options.concurrency, (_worker, i) => deliver(i));
    const credited = await load(options.orders, options.concurrency, (_worker, i) => deliver(options.warmUp + i));

    const [{ paid }] = (
      await options.pool.query<{ paid: string }>(`select count(*) as paid from recharge_orders where status = 'paid'`)
    ).rows;
    const [{ credits }] = (
      await options.pool.query<{ credits: string }>(`select count(*) as credits from card_ledger where pix_e2eid is not null`)
    ).rows;
    return {
      settings: {
        orders: options.orders,
        warmUp: options.warmUp,
        concurrency: options.concurrency,
        connection: 'one webhook call per payment, a new mutual-TLS connection per call (as the stand-in PSP makes them)',
      },
      credited: { ...credited, p50Ms: round(credited.p50Ms), p99Ms: round(credited.p99Ms) },
      check: { paidOrders: Number(paid), pixCredits: Number(credits) },
    };
  } finally {
    app?.kill('SIGTERM');
    await psp.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
