/**
 * Notification benchmark (issue 18 acceptance 7, notifications half): the time from a committed recharge (its 201
 * received by the client) to its notice reaching a fake Bot Connector, through the whole path as deployed: the outbox
 * row written by the money path's statement, the dispatcher woken after the commit, the delivery log, the Emulator's
 * proactive message through the stored conversation reference. Also the time from sending the request to the notice.
 * One citizen, one card, a conversation opted in; recharges one after another (closed loop of one), so each figure is
 * one notice's latency, not a queue's. The app runs compiled, on a scratch PostgreSQL database on BENCH_DATABASE_URL.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { APP_ENV } from './cards';
import { SERVER_URL, admin, round, startApp, withDatabase } from './support';

const WARM_UP = 30;
const SAMPLES = 500;

/** A Bot Connector stand-in that resolves the waiter of each message it receives, with the time it arrived. */
class TimingConnector {
  url = '';
  private waiter: ((arrivedAt: number, text: string) => void) | null = null;
  private readonly server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const arrivedAt = performance.now();
      const activity = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { text?: string };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: randomUUID() }));
      this.waiter?.(arrivedAt, activity.text ?? '');
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next message whose text matches `pattern`: when it arrived (performance.now()) and its text. */
  next(pattern: RegExp): Promise<{ arrivedAt: number; text: string }> {
    return new Promise((resolve) => {
      this.waiter = (arrivedAt, text) => {
        if (!pattern.test(text)) return;
        this.waiter = null;
        resolve({ arrivedAt, text });
      };
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1]),
    meanMs: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  };
}

async function json<T>(res: Response, expected: number): Promise<T> {
  const text = await res.text();
  if (res.status !== expected) throw new Error(`expected ${expected}, got ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export async function run(): Promise<Record<string, unknown>> {
  const database = `cdc_bench_notify_${randomBytes(4).toString('hex')}`;
  await admin(`create database ${database}`);
  const connector = new TimingConnector();
  await connector.start();
  let app: ChildProcess | undefined;
  try {
    // The deployed settings, except that the Emulator's loopback connector (this stand-in) needs a non-production
    // NODE_ENV: production accepts only Bot Connector hosts with credentials.
    const started = await startApp({
      ...APP_ENV,
      NODE_ENV: 'development',
      BOT_ENDPOINT: 'on',
      DATABASE_URL: withDatabase(SERVER_URL, database),
    });
    app = started.child;
    const base = started.baseUrl;
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(base + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });

    const password = 'bench horse battery staple';
    const email = `bench.notify.${Date.now()}@example.com`;
    await json(
      await post('/v1/auth/register', {
        fullName: 'Bench da Silva',
        email,
        cpf: '52998224725',
        birthDate: '1990-05-17',
        phone: '21998765432',
        password,
      }),
      201,
    );
    const tokens = await json<{ access_token: string }>(
      await post('/v1/auth/token', { grant_type: 'password', username: email, password }),
      200,
    );
    const auth = { authorization: `Bearer ${tokens.access_token}` };
    // The simulated recharge is admin-only (citizens pay by Pix): the bench account is an admin, as `npm run
    // admin:grant` would make it, recharging its own card. The role is read on every request: the token carries it.
    const db = new Client({ connectionString: withDatabase(SERVER_URL, database) });
    await db.connect();
    try {
      await db.query(`update users set role = 'admin' where email = $1`, [email]);
    } finally {
      await db.end();
    }
    const cardId = (await json<{ items: Array<{ id: string }> }>(await fetch(`${base}/v1/cards`, { headers: auth }), 200))
      .items[0].id;
    const { code } = await json<{ code: string }>(await post('/v1/bot/link-codes', {}, auth), 201);
    let turn = 0;
    const say = async (text: string, expect: RegExp) => {
      const reply = connector.next(expect);
      const res = await post('/api/messages', {
        type: 'message',
        id: `bench-${++turn}`,
        channelId: 'emulator',
        serviceUrl: connector.url,
        from: { id: 'bench-user', name: 'Bench' },
        recipient: { id: 'iplani', name: 'IPlani' },
        conversation: { id: 'bench-notify-conv' },
        timestamp: new Date().toISOString(),
        locale: 'pt-BR',
        text,
      });
      if (res.status !== 200) throw new Error(`bot turn: ${res.status} ${await res.text()}`);
      await reply;
    };
    await say(`vincular ${code}`, /vinculada/);
    await say('ativar avisos', /Vou avisar aqui/);

    const fromCommit: number[] = [];
    const fromRequest: number[] = [];
    for (let i = 0; i < WARM_UP + SAMPLES; i++) {
      const notice = connector.next(/Recarga confirmada/);
      const sentAt = performance.now();
      const res = await post(`/v1/cards/${cardId}/recharges`, { amountCents: 100 }, { ...auth, 'idempotency-key': randomUUID() });
      const committedAt = performance.now();
      if (res.status !== 201) throw new Error(`recharge: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
      const { arrivedAt } = await notice;
      if (i < WARM_UP) continue;
      // A notice may arrive before the 201 does (the dispatch starts at the commit): that is 0 ms after it.
      fromCommit.push(Math.max(0, arrivedAt - committedAt));
      fromRequest.push(arrivedAt - sentAt);
    }
    const result = {
      samples: SAMPLES,
      fromCommit: summary(fromCommit),
      fromRequest: summary(fromRequest),
      how: 'closed loop of one: POST a recharge, wait for its notice at the fake connector, next; after a warm-up',
    };
    process.stdout.write(
      `recharge 201 -> notice at the fake connector: p50 ${result.fromCommit.p50Ms} ms, p99 ${result.fromCommit.p99Ms} ms ` +
        `(max ${result.fromCommit.maxMs} ms)\n` +
        `recharge request sent -> notice: p50 ${result.fromRequest.p50Ms} ms, p99 ${result.fromRequest.p99Ms} ms ` +
        `over ${SAMPLES} recharges\n`,
    );
    return result;
  } finally {
    app?.kill('SIGTERM');
    if (app && app.exitCode === null) await new Promise((resolve) => app!.once('exit', resolve));
    await connector.stop();
    await admin(`drop database if exists ${database} with (force)`);
  }
}
