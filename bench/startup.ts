/**
 * Cold start (issue 10 §6, issue 16 point 10: aim <= 2 s): from spawning the app to its first 200 on GET /ready, on
 * PostgreSQL, on a scratch database that is already migrated (the app is run once and stopped first), median of 3
 * starts. Runs the built app (`node dist/src/main.js`, the bundle `npm run bench` builds first, as in production); tsx
 * would add its own start-up time. Uses the same environment as bench/cards.ts, with the image's process environment
 * (bench/support.ts IMAGE_ENV): the first, uncounted start fills Node's compile cache as the image build does.
 * The CPU time each start took until ready is printed too: on a shared machine the wall time follows the machine's
 * load (printed with it), the CPU time much less.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
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

/** User + system CPU milliseconds a running process has used so far (Linux); null elsewhere. */
function cpuMsOf(pid: number | undefined): number | null {
  try {
    // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100 per second on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/**
 * Spawns the app and resolves with the milliseconds from spawn to the first 200 of GET /ready and the CPU time the app
 * used until then, leaving it running.
 */
async function startOnce(
  command: string[],
  env: Record<string, string>,
): Promise<{ child: ChildProcess; ms: number; cpuMs: number | null }> {
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
  return { child, ms: Number(process.hrtime.bigint() - t0) / 1e6, cpuMs: cpuMsOf(child.pid) };
}

export async function run(): Promise<Record<string, unknown>> {
  const command = [process.execPath, join(ROOT, 'dist', 'src', 'main.js')];
  const how = `node dist/src/main.js (the built app, bundled, as in production${IMAGE_ENV.NODE_COMPILE_CACHE ? ', with the compile cache' : ''})`;

  const database = `cdc_bench_${randomBytes(4).toString('hex')}`;
  await admin(`create database ${database}`);
  const env = { ...APP_ENV, DATABASE_URL: withDatabase(SERVER_URL, database) };
  try {
    // First run migrates the fresh database; not counted.
    const migrating = await startOnce(command, env);
    await stop(migrating.child);
    const times: number[] = [];
    const cpuTimes: number[] = [];
    for (let i = 0; i < STARTS; i++) {
      const started = await startOnce(command, env);
      times.push(round(started.ms));
      if (started.cpuMs !== null) cpuTimes.push(started.cpuMs);
      await stop(started.child);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const medianMs = median(times);
    const cpuMedianMs = cpuTimes.length === STARTS ? median(cpuTimes) : null;
    const load = loadavg().map((value) => value.toFixed(2));
    const lines = [
      `settings: ${STARTS} starts on an already migrated scratch PostgreSQL database, spawn -> first 200 of GET /ready`,
      `limits:   ${LIMITS}`,
      `app:      ${how}`,
      `first start (migrating, not counted): ${round(migrating.ms)} ms`,
      `cold start: ${times.join(' ms, ')} ms; median ${medianMs} ms (aim <= 2000 ms: ${medianMs <= 2000 ? 'met' : 'NOT met'})`,
      ...(cpuMedianMs === null ? [] : [`CPU until ready: ${cpuTimes.join(' ms, ')} ms; median ${cpuMedianMs} ms`]),
      `load average (1, 5, 15 min): ${load.join(', ')} on ${availableParallelism()} cores`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
    return {
      how,
      database: 'postgresql',
      starts: times,
      medianMs,
      cpuMs: cpuTimes,
      cpuMedianMs,
      loadAverage: load.map(Number),
      migratingStartMs: round(migrating.ms),
    };
  } finally {
    await admin(`drop database if exists ${database} with (force)`);
  }
}
