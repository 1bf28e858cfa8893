import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { Client } from 'pg';

/** Shared by the benchmarks: a scratch PostgreSQL database, the app as its own process, a bounded load, a light client. */

export const ROOT = join(__dirname, '..');
export const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * The process environment the production image gives the app beyond its configuration (Dockerfile, final stage):
 * the fixed malloc threshold that keeps password-hash buffers from staying resident, and Node's compile cache. Every
 * server the benches start (the app and each baseline) gets it, so all of them run alike and as deployed.
 *
 * The image's compile cache is filled when the image is built; here it lives in dist/ and is filled by the first
 * start of the built app (bench/startup.ts makes one before it counts).
 */
export const IMAGE_ENV: Record<string, string> = {};
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const tunables = /\bGLIBC_TUNABLES=(\S+)/.exec(dockerfile)?.[1];
if (tunables) IMAGE_ENV.GLIBC_TUNABLES = tunables;
if (/\bNODE_COMPILE_CACHE=\S+/.test(dockerfile)) IMAGE_ENV.NODE_COMPILE_CACHE = join(ROOT, 'dist', '.node-compile-cache');

/**
 * Starts an entry point (the app's `src/main.ts` by default) in its own process (its own core, as in production) and
 * resolves with its base URL once it printed it. It runs the compiled JavaScript under dist/ (`npm run bench` builds it
 * first), as production does: tsx would add its compiler, source maps and their memory to the figures.
 */
export function startApp(env: Record<string, string>, entry = 'src/main.ts'): Promise<{ child: ChildProcess; baseUrl: string }> {
  // BENCH_APP_NODE_ARGS passes flags to the app's Node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it.
  const nodeArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const compiled = join(ROOT, 'dist', entry.replace(/\.ts$/, '.js'));
  if (!existsSync(compiled)) throw new Error(`${compiled} is missing: run the benchmarks with npm run bench, which builds it`);
  const child = spawn(process.execPath, [...nodeArgs, compiled], {
    cwd: ROOT,
    env: { ...process.env, ...IMAGE_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /Health:\s+(http:\/\/[^/\s]+)\/health/.exec(output);
      if (match) {
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve({ child, baseUrl: match[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`process exited with ${code}:\n${output}`)));
  });
}

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export const round = (n: number) => Math.round(n * 100) / 100;

/** A bounded closed-loop load: `total` operations, `concurrency` at a time; worker `w` passes its index to `op`. */
export async function load(
  total: number,
  concurrency: number,
  op: (worker: number, i: number) => Promise<boolean>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < total) {
        const i = next++;
        const t0 = process.hrtime.bigint();
        if (!(await op(worker, i))) errors++;
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]);
  return {
    requests: total,
    seconds: round(seconds),
    perSecond: Math.round(total / seconds),
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    errors,
  };
}

/**
 * The load generator's HTTP client: node:http with keep-alive, one socket per worker. Lighter than fetch (undici) on
 * this 2-core machine, where the client's CPU is taken from the app being measured.
 */
export function httpClient(baseUrl: string, sockets: number) {
  const { hostname, port } = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  return (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          agent,
          hostname,
          port,
          method,
          path,
          headers:
            payload === undefined
              ? headers
              : { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
}

/** CPU time (user + system) a process has used so far, in microseconds, from /proc. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks / 100) * 1e6;
}

/** Peak resident memory of a process so far (VmHWM), in MiB. */
export function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return round(kib / 1024);
}

/** A measured side of a comparison: its pooled load figures, CPU per operation and each round's throughput. */
export interface Measured extends LoadResult {
  cpuMicrosPerRequest: number;
  /** Operations per second of each round, in order: the spread shows how steady the machine was. */
  roundsPerSecond: number[];
}

/** One side of a comparison: the operation, and the CPU (µs) used so far by whoever serves it. */
export interface Side {
  op: (worker: number) => Promise<boolean>;
  cpu: () => number;
}

/** The CPU (µs) this process has used so far: for work served inside the bench process itself. */
export const ownCpu = () => {
  const used = process.cpuUsage();
  return used.user + used.system;
};

/** How many alternating rounds a comparison takes. */
export const ROUNDS = 5;

/**
 * Measures the sides in alternating rounds (A B A B ...), `total` operations per side split evenly, so a slower
 * minute of this shared machine, or a table that grows under the load, weighs on every side alike instead of on
 * whichever ran last. Each side's rounds are pooled: throughput is all its operations over all its seconds, CPU per
 * operation over all rounds, p50/p99 the median of its rounds' percentiles.
 */
export async function compare(sides: Side[], total: number, concurrency: number, rounds = ROUNDS): Promise<Measured[]> {
  const perRound = Math.ceil(total / rounds);
  const collected = sides.map(() => ({ results: [] as LoadResult[], cpu: 0 }));
  for (let r = 0; r < rounds; r++) {
    for (const [index, side] of sides.entries()) {
      const before = side.cpu();
      collected[index].results.push(await load(perRound, concurrency, side.op));
      collected[index].cpu += side.cpu() - before;
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return collected.map(({ results, cpu }) => {
    const requests = results.reduce((sum, r) => sum + r.requests, 0);
    const seconds = results.reduce((sum, r) => sum + r.seconds, 0);
    return {
      requests,
      seconds: round(seconds),
      perSecond: Math.round(requests / seconds),
      p50Ms: median(results.map((r) => r.p50Ms)),
      p99Ms: median(results.map((r) => r.p99Ms)),
      errors: results.reduce((sum, r) => sum + r.errors, 0),
      cpuMicrosPerRequest: Math.round(cpu / requests),
      roundsPerSecond: results.map((r) => r.perSecond),
    };
  });
}
