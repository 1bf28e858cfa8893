/**
 * Transport-card benchmark (issue acceptance 8), against one PostgreSQL server:
 * - recharges/s through HTTP (the real app, its own process) next to the same SQL issued directly through `pg` with the
 *   same concurrency and pool size (the ceiling), and the ratio;
 * - the same recharges next to the minimal recharge (bench/recharge-reference-server.ts: one transaction through pg
 *   behind bare node:http), a fixed reference measured in the same rounds;
 * - GET /v1/cards/{id} requests/s with p50/p99;
 * - history page latency on a card with 100 entries and one with 100 000 entries (keyset pagination keeps them close).
 * Uses a scratch database (created and dropped here) on BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { balanceChangeQuery } from '../src/transport/cards.repository';
import { requestFingerprint } from '../src/transport/idempotency';
import { webhooksToCredit } from './pix-webhooks';
import {
  SERVER_URL,
  admin,
  ROUNDS,
  compare,
  cpuMicros,
  httpClient,
  ownCpu,
  load,
  peakRssMiB,
  round,
  startApp,
  withDatabase,
  type LoadResult,
} from './support';

const CONCURRENCY = 16;
const POOL_MAX = 10;
const RECHARGES = 4000;
const READS = 5000;
const HISTORY_PAGES = 300;
const BIG_HISTORY = 100_000;
const WEBHOOK_ORDERS = 600;
const WEBHOOK_WARM_UP = 100;

/** Limits set out of the way: this measures throughput, not the limits. */
export const APP_ENV = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  HOST: '127.0.0.1',
  PORT: '0',
  // No Bot Framework channel here: production refuses the endpoint without credentials.
  BOT_ENDPOINT: 'off',
  DB_POOL_MAX: String(POOL_MAX),
  JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123456789',
  FILE_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
  RECHARGE_VELOCITY_PER_HOUR: '1000000000',
  CARD_BALANCE_CAP_CENTS: '1000000000000',
  MAX_ACTIVE_CARDS: '1000',
  ARGON2_MEMORY_KIB: '19456',
  GLOBAL_RATE_LIMIT: '0',
  // The simulated recharge (admin-only, off by default in production) is what the write ceiling is measured on.
  SIMULATED_RECHARGES: 'on',
  // Required in production (src/config.ts PRODUCTION_REQUIREMENTS). Port 0 as PORT: the start-up banner, which the
  // benchmark reads, shows the bound port in its place. The mail server is never contacted: no benchmark sends mail.
  PUBLIC_BASE_URL: 'http://127.0.0.1:0',
  SMTP_URL: 'smtp://127.0.0.1:2525',
};

/** The bearer token's check as the app runs it (SessionsService.actorFor): an active account and a live session. */
export const ACTIVE_SESSION_ROLE = {
  name: 'active_session_role',
  text: `select u.role from users u
    where u.id = $1 and u.status = 'active'
      and exists (select 1 from refresh_tokens r
                   where r.family_id = $2 and r.user_id = u.id and r.revoked_at is null and r.expires_at > $3)`,
};

/** The throttling limits as set for the run, printed with the table and written to the results. */
export const LIMITS =
  'RECHARGE_VELOCITY_PER_HOUR=1e9, CARD_BALANCE_CAP_CENTS=1e12, MAX_ACTIVE_CARDS=1000, GLOBAL_RATE_LIMIT=0 (off)';

async function json<T>(res: Response, expected: number): Promise<T> {
  const text = await res.text();
  if (res.status !== expected) throw new Error(`expected ${expected}, got ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/**
 * The recharge exactly as the app issues it (see CardsService.recharge): the token's account lookup, then the money
 * path's one statement (key, conditional update, ledger entry, stored outcome), both as the named prepared statements
 * the app runs (src/db/prepared.ts). The statement and its values come from the app's own repository.
 */
async function directRecharge(pool: Pool, userId: string, sessionId: string, cardId: string, amount: number): Promise<boolean> {
  await pool.query({ ...ACTIVE_SESSION_ROLE, values: [userId, sessionId, new Date()] });
  const request = { cardId, amountCents: amount };
  const { statement, values } = balanceChangeQuery({
    type: 'recharge',
    cardId,
    // The simulated recharge is admin-only, and an admin's access has no owner filter.
    ownerId: null,
    amountCents: amount,
    description: 'Recarga',
    scope: { userId, operation: 'card.recharge', key: randomUUID() },
    fingerprint: requestFingerprint(request),
    balanceCapCents: Number(APP_ENV.CARD_BALANCE_CAP_CENTS),
    velocityLimit: Number(APP_ENV.RECHARGE_VELOCITY_PER_HOUR),
    velocityWindowSeconds: 3600,
  });
  const rows = await pool.query<{ kind: string }>({ name: statement.name, text: statement.text, values });
  return rows.rows[0]?.kind === 'applied';
}

/** Fills a card's ledger with `count` consistent entries (alternating R$ 1,00 recharge and debit) in one statement. */
async function fillHistory(pool: Pool, cardId: string, count: number): Promise<void> {
  await pool.query(
    `insert into card_ledger (id, card_id, seq, type, amount_cents, balance_after_cents, description, created_at)
     select gen_random_uuid(), $1, s, case when s % 2 = 1 then 'recharge' else 'debit' end, 100,
            case when s % 2 = 1 then 100 else 0 end, 'Carga do benchmark',
            now() - make_interval(secs => ($2 - s))
       from generate_series(1, $2::int) s`,
    [cardId, count],
  );
  await pool.query(`update transport_cards set ledger_seq = $2, balance_cents = $3 where id = $1`, [
    cardId,
    count,
    count % 2 === 1 ? 100 : 0,
  ]);
  await pool.query('analyze card_ledger');
}

export async function run(): Promise<Record<string, unknown>> {
  const database = `cdc_bench_${randomBytes(4).toString('hex')}`;
  await admin(`create database ${database}`);
  const databaseUrl = withDatabase(SERVER_URL, database);
  let app: ChildProcess | undefined;
  let ceilingServer: ChildProcess | undefined;
  let referenceServer: ChildProcess | undefined;
  const pool = new Pool({ connectionString: databaseUrl, max: POOL_MAX });
  try {
    const started = await startApp({ ...APP_ENV, DATABASE_URL: databaseUrl });
    app = started.child;
    const base = started.baseUrl;
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(base + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });

    const password = 'bench horse battery staple';
    const email = `bench.${Date.now()}@example.com`;
    const user = await json<{ id: string }>(
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
    // The simulated recharge measured here is admin-only (citizens pay by Pix): the bench account is an admin, as
    // `npm run admin:grant` would make it. The role is read on every request, so the token already carries it.
    await pool.query(`update users set role = 'admin' where id = $1`, [user.id]);
    const sessionId = (
      JSON.parse(Buffer.from(tokens.access_token.split('.')[1], 'base64url').toString('utf8')) as { sid: string }
    ).sid;
    // One card per worker so concurrent recharges do not queue on one row lock (in both measurements alike).
    const cards = [
      (await json<{ items: Array<{ id: string }> }>(await fetch(`${base}/v1/cards`, { headers: auth }), 200)).items[0].id,
    ];
    while (cards.length < CONCURRENCY + 2)
      cards.push((await json<{ id: string }>(await post('/v1/cards', undefined, auth), 201)).id);
    const [smallHistoryCard, bigHistoryCard] = cards.splice(CONCURRENCY, 2);
    // The minimal reference recharges cards of its own, so its ledger rows never weigh on the app's velocity count.
    const referenceCards: string[] = [];
    while (referenceCards.length < CONCURRENCY)
      referenceCards.push((await json<{ id: string }>(await post('/v1/cards', undefined, auth), 201)).id);

    const client = httpClient(base, CONCURRENCY);
    const httpRecharge = async (worker: number) => {
      const res = await client(
        'POST',
        `/v1/cards/${cards[worker]}/recharges`,
        { ...auth, 'idempotency-key': randomUUID() },
        { amountCents: 100 },
      );
      return res.status === 201;
    };
    const pgRecharge = (worker: number) => directRecharge(pool, user.id, sessionId, cards[worker], 100);
    const minimal = await startApp(
      { DATABASE_URL: databaseUrl, DB_POOL_MAX: String(POOL_MAX) },
      'bench/recharge-reference-server.ts',
    );
    referenceServer = minimal.child;
    const minimalClient = httpClient(minimal.baseUrl, CONCURRENCY);
    const minimalRecharge = async (worker: number) =>
      (await minimalClient('POST', `/cards/${referenceCards[worker]}/recharges`, { 'x-user-id': user.id }, { amountCents: 100 }))
        .status === 201;

    // Warm-up: JIT, connection pools, caches on every path.
    await load(400, CONCURRENCY, httpRecharge);
    await load(400, CONCURRENCY, pgRecharge);
    await load(400, CONCURRENCY, minimalRecharge);

    const appPid = app.pid!;
    const appCpu = () => cpuMicros(appPid);
    const [http, ceiling, reference] = await compare(
      [
        { op: httpRecharge, cpu: appCpu },
        { op: pgRecharge, cpu: ownCpu },
        { op: minimalRecharge, cpu: () => cpuMicros(minimal.child.pid!) },
      ],
      RECHARGES,
      CONCURRENCY,
    );
    referenceServer.kill('SIGTERM');
    referenceServer = undefined;

    // The read ceiling: the same account lookup + SELECT from a bare node:http server through pg, same load.
    const bare = await startApp({ DATABASE_URL: databaseUrl, DB_POOL_MAX: String(POOL_MAX) }, 'bench/read-ceiling-server.ts');
    ceilingServer = bare.child;
    const bareClient = httpClient(bare.baseUrl, CONCURRENCY);
    const bareGet = async (worker: number) =>
      (await bareClient('GET', `/cards/${cards[worker]}`, { 'x-user-id': user.id, 'x-session-id': sessionId })).status === 200;
    const getCard = async (worker: number) => (await client('GET', `/v1/cards/${cards[worker]}`, auth)).status === 200;
    await load(300, CONCURRENCY, getCard);
    await load(300, CONCURRENCY, bareGet);
    const [reads, readCeiling] = await compare(
      [
        { op: getCard, cpu: appCpu },
        { op: bareGet, cpu: () => cpuMicros(bare.child.pid!) },
      ],
      READS,
      CONCURRENCY,
    );
    const readCeilingPeakRssMiB = peakRssMiB(bare.child.pid!);
    ceilingServer.kill('SIGTERM');
    ceilingServer = undefined;
    const readRatio = round(reads.perSecond / readCeiling.perSecond);

    await fillHistory(pool, smallHistoryCard, 100);
    await fillHistory(pool, bigHistoryCard, BIG_HISTORY);
    const page = async (cardId: string, cursor?: string) =>
      (await client('GET', `/v1/cards/${cardId}/transactions?limit=20${cursor ? `&cursor=${cursor}` : ''}`, auth)).status === 200;
    // A cursor in the middle of each history: a "deep" page must cost the same as the first one.
    const middle = async (cardId: string, count: number) =>
      String(
        (await pool.query('select id from card_ledger where card_id = $1 and seq = $2', [cardId, Math.floor(count / 2)])).rows[0]
          .id,
      );
    const smallMiddle = await middle(smallHistoryCard, 100);
    const bigMiddle = await middle(bigHistoryCard, BIG_HISTORY);
    await load(100, 1, () => page(bigHistoryCard));
    const history = {
      entries100: {
        firstPage: await load(HISTORY_PAGES, 1, () => page(smallHistoryCard)),
        middlePage: await load(HISTORY_PAGES, 1, () => page(smallHistoryCard, smallMiddle)),
      },
      entries100000: {
        firstPage: await load(HISTORY_PAGES, 1, () => page(bigHistoryCard)),
        middlePage: await load(HISTORY_PAGES, 1, () => page(bigHistoryCard, bigMiddle)),
      },
    };

    const appPeakRssMiB = peakRssMiB(appPid);
    // Webhooks to credit, next to the write ceiling: the app again, now with Pix on, on the same database.
    const stopped = new Promise((resolve) => app!.once('exit', resolve));
    app.kill('SIGTERM');
    await stopped;
    app = undefined;
    const webhooks = await webhooksToCredit({
      appEnv: APP_ENV,
      databaseUrl,
      pool,
      auth,
      cardId: cards[0],
      orders: WEBHOOK_ORDERS,
      warmUp: WEBHOOK_WARM_UP,
      concurrency: CONCURRENCY,
    });
    const webhookRatio = round(webhooks.credited.perSecond / ceiling.perSecond);
    const ratio = round(http.perSecond / ceiling.perSecond);
    const referenceRatio = round(http.perSecond / reference.perSecond);
    const settings = {
      concurrency: CONCURRENCY,
      poolMax: POOL_MAX,
      rounds: `${ROUNDS} alternating rounds per comparison (app, baseline, app, ...), pooled`,
      recharges: RECHARGES,
      reads: READS,
      historyPages: HISTORY_PAGES,
      database: SERVER_URL.replace(/\/\/[^@]*@/, '//'),
      app: 'dist/src/main.js (the built app) in its own process, NODE_ENV=production, LOG_LEVEL=warn',
      limits: LIMITS,
      ceiling:
        "same statements through pg (account lookup, then the money path's one statement: key + update + ledger + outcome)",
      reference:
        'bench/recharge-reference-server.ts: bare node:http + pg Pool, one transaction (begin, lock the card row, update the ' +
        'balance, insert the ledger row, commit), no auth, no idempotency, no limits (built, dist/bench)',
      readCeiling:
        'bench/read-ceiling-server.ts: bare node:http + pg Pool, account lookup + the getCard SELECT, same JSON (built, dist/bench)',
      cpu:
        'CPU µs/request = server process user+system time (/proc) over the measured load; the pg write ceiling runs in the ' +
        'bench process, so its figure is process.cpuUsage() of the bench process (load generator included, nothing ' +
        'subtracted); PostgreSQL CPU is in none of them',
    };
    const results = {
      settings,
      recharge: { http, ceiling, ratio, reference, referenceRatio },
      getCard: { app: reads, ceiling: readCeiling, ratio: readRatio },
      appPeakRssMiB,
      readCeilingPeakRssMiB,
      history,
      webhooks: { ...webhooks, ceilingRatio: webhookRatio },
    };

    const row = (label: string, r: LoadResult & { cpuMicrosPerRequest?: number; roundsPerSecond?: number[] }) =>
      `${label.padEnd(40)} ${String(r.perSecond).padStart(8)} ${r.p50Ms.toFixed(2).padStart(9)} ${r.p99Ms.toFixed(2).padStart(9)} ${String(r.errors).padStart(7)} ${String(r.cpuMicrosPerRequest ?? '').padStart(9)}${r.roundsPerSecond ? `  rounds: ${r.roundsPerSecond.join(' ')}` : ''}`;
    const lines = [
      `Settings: concurrency ${CONCURRENCY}, pool ${POOL_MAX}, ${settings.rounds}`,
      `          limits: ${settings.limits}`,
      `          app: ${settings.app}`,
      `          CPU: ${settings.cpu}`,
      '',
      `${'measurement'.padEnd(40)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'errors'.padStart(7)} ${'CPU µs/req'.padStart(9)}`,
      row(`recharge via HTTP (${RECHARGES})`, http),
      row(`recharge via pg, same SQL (ceiling)*`, ceiling),
      `${'recharge HTTP / ceiling'.padEnd(40)} ${ratio.toFixed(2).padStart(8)}   (aim >= 0.50)`,
      row('recharge, minimal (node:http + pg, 1 tx)', reference),
      `${'recharge HTTP / minimal recharge'.padEnd(40)} ${referenceRatio.toFixed(2).padStart(8)}   (aim >= 0.60)`,
      row(`GET /v1/cards/{id} (${READS})`, reads),
      row('GET via bare node:http + pg (ceiling)', readCeiling),
      `${'GET app / read ceiling'.padEnd(40)} ${readRatio.toFixed(2).padStart(8)}   (aim >= 0.60)`,
      `peak RSS: app ${appPeakRssMiB} MiB, read-ceiling server ${readCeilingPeakRssMiB} MiB`,
      '* CPU of the bench process itself (process.cpuUsage), load generator included',
      row('history, 100 entries, first page', history.entries100.firstPage),
      row('history, 100 entries, middle page', history.entries100.middlePage),
      row('history, 100 000 entries, first page', history.entries100000.firstPage),
      row('history, 100 000 entries, middle page', history.entries100000.middlePage),
      row(`Pix webhooks to credit (${WEBHOOK_ORDERS}, mTLS)`, webhooks.credited),
      `${'webhooks to credit / write ceiling'.padEnd(40)} ${webhookRatio.toFixed(2).padStart(8)}   (no aim; checked: ${webhooks.check.paidOrders} orders paid, ${webhooks.check.pixCredits} Pix credits)`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
    return results;
  } finally {
    app?.kill('SIGTERM');
    ceilingServer?.kill('SIGTERM');
    referenceServer?.kill('SIGTERM');
    await pool.end();
    await admin(`drop database if exists ${database} with (force)`);
  }
}
