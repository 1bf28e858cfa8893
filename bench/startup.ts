/**
 * Cold start (issue 10 §6): from spawning the app to its first 200 on GET /ready, on PostgreSQL, on a scratch database
 * that is already migrated (the app is run once and stopped first), median of 3 starts. Runs the built app
 * (`node dist/src/main.js`, built by `npm run bench` first, as in production); tsx would add its own start-up time. Uses the same environment as bench/cards.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { APP_ENV, LIMITS } from './cards';
import { IMAGE_ENV, ROOT, SERVER_URL, admin, round, withDatabase } from './support';

const STARTS = 3;
const TIMEOUT_MS = 60_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function ready(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ hostname: '127.0.0.1', port, path: '/ready', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => req.destroy());
    req.end();
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  return exited;
}

/** Spawns the app and resolves with the milliseconds from spawn to the first 200 of GET /ready, leaving it running. */
async function startOnce(command: string[], env: Record<string, string>): Promise<{ child: ChildProcess; ms: number }> {
  const port = await freePort();
  const t0 = process.hrtime.bigint();
  const child = spawn(command[0], command.slice(1), {
    cwd: ROOT,
    env: { ...process.env, ...IMAGE_ENV, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  while (!(await ready(port))) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}:\n${stderr}`);
    if (Number(process.hrtime.bigint() - t0) / 1e6 > TIMEOUT_MS) {
      await stop(child);
      throw new Error(`app not ready after ${TIMEOUT_MS} ms:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { child, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

export async function run(): Promise<Record<string, unknown>> {
  const command = [process.execPath, join(ROOT, 'dist', 'src', 'main.js')];
  const how = 'node dist/src/main.js (the built app, as in production)';

  const database = `cdc_bench_${randomBytes(4).toString('hex')}`;
  await admin(`create database ${database}`);
  const env = { ...APP_ENV, DATABASE_URL: withDatabase(SERVER_URL, database) };
  try {
    // First run migrates the fresh database; not counted.
    const migrating = await startOnce(command, env);
    await stop(migrating.child);
    const times: number[] = [];
    for (let i = 0; i < STARTS; i++) {
      const started = await startOnce(command, env);
      times.push(round(started.ms));
      await stop(started.child);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const medianMs = sorted[Math.floor(sorted.length / 2)];
    const lines = [
      `settings: ${STARTS} starts on an already migrated scratch PostgreSQL database, spawn -> first 200 of GET /ready`,
      `limits:   ${LIMITS}`,
      `app:      ${how}`,
      `first start (migrating, not counted): ${round(migrating.ms)} ms`,
      `cold start: ${times.join(' ms, ')} ms; median ${medianMs} ms (aim <= 2000 ms)`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
    return { how, database: 'postgresql', starts: times, medianMs, migratingStartMs: round(migrating.ms) };
  } finally {
    await admin(`drop database if exists ${database} with (force)`);
  }
}
