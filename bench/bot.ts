/**
 * Bot benchmark (issue 8 §11, issue 10 §6): turns per second through POST /api/messages, with replies delivered to a
 * local fake Bot Connector, for IPlani (balance flow: link lookup, snapshot load and save, the cards service) next to
 * the smallest echo bot on the same stack (botbuilder + restify), measured in the same run with the same load. Also
 * CPU microseconds per turn and peak RSS of each server process.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ROUNDS,
  SERVER_URL,
  admin,
  compare,
  cpuMicros,
  httpClient,
  load,
  peakRssMiB,
  round,
  startApp,
  withDatabase,
} from './support';

const CONCURRENCY = 16;
const TURNS = Number(process.env.BENCH_BOT_TURNS ?? 3000);
const WARMUP = Number(process.env.BENCH_BOT_WARMUP ?? 1000);

const APP_ENV = {
  // Emulator mode (no bot credentials) is refused in production; NODE_ENV changes nothing else in the app, and the
  // turn measured is the production one minus the channel-token check.
  NODE_ENV: 'development',
  LOG_LEVEL: 'warn',
  HOST: '127.0.0.1',
  PORT: '0',
  DB_POOL_MAX: '10',
  JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123456789',
  FILE_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
  FAQ_SEARCH_RATE_LIMIT: '1000000',
  LINK_MAX_FAILURES_PER_SPACE: '1000000',
  GLOBAL_RATE_LIMIT: '0',
  // As production sets them (src/config.ts PRODUCTION_REQUIREMENTS). Port 0 as PORT: the start-up banner, which the
  // benchmark reads, shows the bound port in its place. The mail server is never contacted: no benchmark sends mail.
  PUBLIC_BASE_URL: 'http://127.0.0.1:0',
  SMTP_URL: 'smtp://127.0.0.1:2525',
};

/** The throttling limits as set for the run, printed with the table and written to the results. */
const LIMITS = 'FAQ_SEARCH_RATE_LIMIT=1e6, LINK_MAX_FAILURES_PER_SPACE=1e6, GLOBAL_RATE_LIMIT=0 (off)';

/** The fake Bot Connector: accepts every reply the bots post back. */
async function startConnector(): Promise<{ url: string; replies: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"r"}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    replies: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function activity(serviceUrl: string, worker: number, text: string) {
  return {
    type: 'message',
    id: randomBytes(6).toString('hex'),
    channelId: 'emulator',
    serviceUrl,
    from: { id: `bench-user-${worker}` },
    recipient: { id: 'bot' },
    conversation: { id: `bench-conv-${worker}` },
    text,
    locale: 'pt-BR',
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const connector = await startConnector();
  const database = `cdc_bench_${randomBytes(4).toString('hex')}`;
  await admin(`create database ${database}`);
  const app = await startApp({ ...APP_ENV, DATABASE_URL: withDatabase(SERVER_URL, database) });
  const echo = await startApp({}, 'bench/echo-bot.ts');
  try {
    // One linked citizen per conversation, so every turn runs the whole balance flow.
    const client = httpClient(app.baseUrl, CONCURRENCY);
    for (let worker = 0; worker < CONCURRENCY; worker++) {
      const email = `bot.bench.${worker}.${Date.now()}@example.com`;
      const register = await client(
        'POST',
        '/v1/auth/register',
        {},
        {
          fullName: 'Bench da Silva',
          email,
          cpf: validCpf(String(123456000 + worker * 7919)),
          birthDate: '1990-05-17',
          phone: '21998765432',
          password: 'bench horse battery staple',
        },
      );
      if (register.status !== 201) throw new Error(`register: ${register.status} ${register.text}`);
      const token = await client(
        'POST',
        '/v1/auth/token',
        {},
        { grant_type: 'password', username: email, password: 'bench horse battery staple' },
      );
      const { access_token } = JSON.parse(token.text) as { access_token: string };
      const code = await client('POST', '/v1/bot/link-codes', { authorization: `Bearer ${access_token}` });
      const linked = await client(
        'POST',
        '/api/messages',
        {},
        activity(connector.url, worker, `vincular ${(JSON.parse(code.text) as { code: string }).code}`),
      );
      if (linked.status !== 200) throw new Error(`link: ${linked.status} ${linked.text}`);
    }
    const turns = (baseUrl: string, text: string) => {
      const client = httpClient(baseUrl, CONCURRENCY);
      return async (worker: number) =>
        (await client('POST', '/api/messages', {}, activity(connector.url, worker, text))).status === 200;
    };
    const echoTurn = turns(echo.baseUrl, 'oi');
    const botTurn = turns(app.baseUrl, '1');
    await load(WARMUP, CONCURRENCY, echoTurn);
    await load(WARMUP, CONCURRENCY, botTurn);
    const [echoLoad, botLoad] = await compare(
      [
        { op: echoTurn, cpu: () => cpuMicros(echo.child.pid!) },
        { op: botTurn, cpu: () => cpuMicros(app.child.pid!) },
      ],
      TURNS,
      CONCURRENCY,
    );
    const echoResult = { ...echoLoad, cpuMicrosPerTurn: echoLoad.cpuMicrosPerRequest, peakRssMiB: peakRssMiB(echo.child.pid!) };
    const botResult = { ...botLoad, cpuMicrosPerTurn: botLoad.cpuMicrosPerRequest, peakRssMiB: peakRssMiB(app.child.pid!) };
    const ratio = round(botResult.perSecond / echoResult.perSecond);
    const table = [
      `settings: ${CONCURRENCY} concurrent conversations, ${WARMUP} warm-up turns then ${TURNS} measured turns each side in ${ROUNDS} alternating rounds`,
      `limits:   ${LIMITS}`,
      `                        turns/s    p50 ms   p99 ms   CPU µs/turn   peak RSS MiB`,
      `IPlani (balance flow)  ${String(botResult.perSecond).padStart(8)}  ${String(botResult.p50Ms).padStart(8)} ${String(botResult.p99Ms).padStart(8)}  ${String(botResult.cpuMicrosPerTurn).padStart(12)}  ${String(botResult.peakRssMiB).padStart(13)}`,
      `echo bot (baseline)    ${String(echoResult.perSecond).padStart(8)}  ${String(echoResult.p50Ms).padStart(8)} ${String(echoResult.p99Ms).padStart(8)}  ${String(echoResult.cpuMicrosPerTurn).padStart(12)}  ${String(echoResult.peakRssMiB).padStart(13)}`,
      `rounds (turns/s): IPlani ${botResult.roundsPerSecond.join(' ')}; echo ${echoResult.roundsPerSecond.join(' ')}`,
      `ratio (IPlani / echo): turns/s ${ratio}x (aim >= 0.6x), peak RSS ${round(botResult.peakRssMiB / echoResult.peakRssMiB)}x (aim <= 1.25x)`,
    ];
    process.stdout.write(table.join('\n') + '\n');
    return {
      settings: { concurrency: CONCURRENCY, warmup: WARMUP, turns: TURNS, rounds: ROUNDS, limits: LIMITS },
      iplani: botResult,
      echo: echoResult,
      ratio,
      rssRatio: round(botResult.peakRssMiB / echoResult.peakRssMiB),
      replies: connector.replies(),
    };
  } finally {
    app.child.kill('SIGTERM');
    echo.child.kill('SIGTERM');
    await connector.close();
    await new Promise((resolve) => app.child.once('exit', resolve));
    await admin(`drop database if exists ${database} with (force)`);
  }
}

/** The first 9 digits plus both CPF check digits. */
function validCpf(nine: string): string {
  const digits = nine.split('').map(Number);
  for (const length of [9, 10]) {
    let sum = 0;
    for (let i = 0; i < length; i++) sum += digits[i] * (length + 1 - i);
    const rest = (sum * 10) % 11;
    digits.push(rest === 10 ? 0 : rest);
  }
  return digits.join('');
}
