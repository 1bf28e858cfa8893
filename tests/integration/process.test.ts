import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAppToExit, spawnApp } from '../support/app-process';
import { buildCitizen } from '../support/factories';
import { cpfWithCheckDigits } from '../../src/shared/cpf';
import { DataDirLock } from '../../src/db/data-dir-lock';

async function post(baseUrl: string, path: string, body: unknown): Promise<Response> {
  return fetch(baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function accessToken(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await post(baseUrl, '/v1/auth/token', { grant_type: 'password', username, password });
  return ((await res.json()) as { access_token: string }).access_token;
}

/** A loopback port nothing listens on: bound by the system, then released. */
async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The real entry point as its own process, on an embedded database in a temporary directory. */
describe('process lifecycle on the embedded database', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cdc-data-'));
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts with no configuration, refuses a second process on the same directory, and stops cleanly on SIGTERM', async () => {
    const first = await spawnApp({ DATA_DIR: dataDir });
    expect(first.output()).toContain('/docs');
    expect(first.output()).toContain('/api/messages');
    expect((await fetch(`${first.baseUrl}/ready`)).status).toBe(200);

    const second = await runAppToExit({ DATA_DIR: dataDir });
    expect(second.code).not.toBe(0);
    expect(second.output).toMatch(/already in use by process \d+/);
    // The first process is unaffected.
    expect((await fetch(`${first.baseUrl}/ready`)).status).toBe(200);

    const started = Date.now();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(existsSync(join(dataDir, 'pglite', '.lock'))).toBe(false);

    // The directory opens again (migrations already applied) once the lock is released.
    const again = await spawnApp({ DATA_DIR: dataDir });
    expect((await fetch(`${again.baseUrl}/ready`)).status).toBe(200);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
    // Three starts, the first running initdb on a fresh directory: over a minute on a busy 2-core machine.
  }, 120_000);

  it('on SIGTERM finishes the request in flight, refuses new connections, and exits 0', async () => {
    const app = await spawnApp({ DATA_DIR: dataDir });
    const { port } = new URL(app.baseUrl);
    const body = JSON.stringify(buildCitizen());
    const response = new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: Number(port),
          method: 'POST',
          path: '/v1/auth/register',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      // Half the body now: the request is in flight when SIGTERM arrives.
      req.write(body.slice(0, 20));
      setTimeout(() => {
        app.child.kill('SIGTERM');
        // Once the process stops accepting, new connections are refused while the old one still completes.
        const waitUntilRefused = async () => {
          for (;;) {
            try {
              await fetch(`${app.baseUrl}/health`);
            } catch {
              return;
            }
          }
        };
        void waitUntilRefused().then(() => req.end(body.slice(20)));
      }, 200);
    });
    expect(await response).toBe(201);
    expect(await app.exited).toBe(0);
  }, 60_000);

  it('on SIGTERM exits 0 when the trace collector cannot be reached, saying the spans were lost', async () => {
    const app = await spawnApp({
      DATA_DIR: dataDir,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await closedLoopbackPort()}`,
      // No batch goes out before the stop: the request's span is still buffered when the stop flushes it.
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    });
    expect((await fetch(`${app.baseUrl}/ready`)).status).toBe(200);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    // The exporter's retries end with the refused connection or, if they would outlast the stop, with the give-up.
    expect(app.output()).toMatch(/Spans not flushed: (connect ECONNREFUSED|the collector did not answer within)/);
  }, 60_000);

  it('gives up on an unreachable trace collector before the hard stop, and still exits 0', async () => {
    const app = await spawnApp({
      DATA_DIR: dataDir,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await closedLoopbackPort()}`,
      OTEL_BSP_SCHEDULE_DELAY: '600000',
      // A hard stop 3.5 s after SIGTERM: well before the exporter's retries (6.5 s at the least) end on their own.
      SHUTDOWN_TIMEOUT_MS: '2000',
    });
    expect((await fetch(`${app.baseUrl}/ready`)).status).toBe(200);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(app.output()).toMatch(/Spans not flushed: the collector did not answer within \d+ ms/);
    expect(app.output()).not.toContain('shutdown took too long');
  }, 60_000);

  it('grants the first admin with npm run admin:grant or ADMIN_EMAILS', async () => {
    const first = buildCitizen();
    const second = buildCitizen();
    let app = await spawnApp({ DATA_DIR: dataDir });
    expect((await post(app.baseUrl, '/v1/auth/register', first)).status).toBe(201);
    expect((await post(app.baseUrl, '/v1/auth/register', second)).status).toBe(201);
    const token = await accessToken(app.baseUrl, first.email, first.password);
    expect((await fetch(`${app.baseUrl}/v1/users`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(403);
    app.child.kill('SIGTERM');
    await app.exited;

    const grant = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(__dirname, '..', '..', 'scripts', 'admin-grant.ts'), first.email],
      {
        env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
        encoding: 'utf8',
      },
    );
    expect(grant.stdout).toContain('is now an admin');
    expect(grant.status).toBe(0);

    app = await spawnApp({ DATA_DIR: dataDir, ADMIN_EMAILS: second.email.toUpperCase() });
    for (const who of [first, second]) {
      const adminToken = await accessToken(app.baseUrl, who.email, who.password);
      expect((await fetch(`${app.baseUrl}/v1/users`, { headers: { authorization: `Bearer ${adminToken}` } })).status).toBe(200);
    }
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  }, 90_000);

  it('npm start refuses before building when the data directory is in use or the configuration is invalid', () => {
    const ownDir = mkdtempSync(join(tmpdir(), 'cdc-prestart-'));
    const npmStart = (env: Record<string, string>) =>
      spawnSync('npm', ['start'], { cwd: join(__dirname, '..', '..'), env: { ...process.env, ...env }, encoding: 'utf8' });
    // This test's own process holds the lock, as a running app would.
    const lock = DataDirLock.acquire(join(ownDir, 'pglite'));
    try {
      const locked = npmStart({ DATA_DIR: ownDir });
      expect(locked.status).not.toBe(0);
      expect(locked.stderr).toMatch(/already in use by process \d+/);
      expect(locked.stdout).not.toContain('carteira-digital-carioca@0.1.0 build');
      const misconfigured = npmStart({ DATA_DIR: ownDir, PORT: 'abc' });
      expect(misconfigured.status).not.toBe(0);
      expect(misconfigured.stderr).toContain('PORT');
      expect(misconfigured.stdout).not.toContain('carteira-digital-carioca@0.1.0 build');
    } finally {
      lock.release();
      rmSync(ownDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('takes over a stale lock left by a process that died', async () => {
    const app = await spawnApp({ DATA_DIR: dataDir });
    app.child.kill('SIGKILL');
    await app.exited;
    expect(existsSync(join(dataDir, 'pglite', '.lock'))).toBe(true);
    const next = await spawnApp({ DATA_DIR: dataDir });
    expect((await fetch(`${next.baseUrl}/ready`)).status).toBe(200);
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
  }, 60_000);
});

describe('configuration is validated at start-up', () => {
  it.each([
    ['PORT', 'abc'],
    ['DATABASE_URL', 'mysql://x'],
    ['LOG_LEVEL', 'loud'],
    ['SHUTDOWN_TIMEOUT_MS', '-5'],
  ])(
    'a malformed %s stops the process with a message naming it',
    async (name, value) => {
      const result = await runAppToExit({ [name]: value, DATA_DIR: join(tmpdir(), 'cdc-never-created') });
      expect(result.code).not.toBe(0);
      expect(result.output).toContain(name);
    },
    30_000,
  );
});

describe('npm run demo', () => {
  it('works whatever the database holds, prints the port the app will use, can run again, and its credentials sign in', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cdc-demo-'));
    try {
      // Someone registered with the CPF Swagger UI fills in, and someone else with the demo's first choice.
      const swaggerExample = buildCitizen({ cpf: '529.982.247-25' });
      const demoFirstChoice = buildCitizen({ cpf: cpfWithCheckDigits('398416207') });
      const app = await spawnApp({ DATA_DIR: dataDir });
      for (const citizen of [swaggerExample, demoFirstChoice]) {
        expect((await post(app.baseUrl, '/v1/auth/register', citizen)).status).toBe(201);
      }
      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);

      const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '4101', LOG_LEVEL: 'warn' };
      delete env.PUBLIC_BASE_URL;
      delete env.DATABASE_URL;
      const run = () =>
        spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'scripts', 'demo.ts')], {
          env,
          encoding: 'utf8',
        });
      const [first, second] = [run(), run()];
      for (const result of [first, second]) {
        expect(result.stderr).toBe('');
        expect(result.status).toBe(0);
        expect(result.stdout).toMatch(/Cards: •••• \d{4}: R\$ 60,60/);
        expect(result.stdout).toMatch(/Bot link code: [A-Z2-9]{8}/);
        expect(result.stdout).toContain('http://localhost:4101/api/messages');
        expect(result.stdout).not.toContain('3978');
      }
      const cpf = /or CPF (\d{3}\.\d{3}\.\d{3}-\d{2})/.exec(first.stdout)![1];
      expect(cpf).not.toBe('529.982.247-25');
      expect(cpf.replace(/\D/g, '')).not.toBe(demoFirstChoice.cpf);
      expect(second.stdout).toContain(`or CPF ${cpf}`);

      const password = /Password: (.+)/.exec(first.stdout)![1];
      const again = await spawnApp({ DATA_DIR: dataDir });
      const signIn = await post(again.baseUrl, '/v1/auth/token', { grant_type: 'password', username: cpf, password });
      expect(signIn.status).toBe(200);
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('production settings', () => {
  it('refuse to start without a mail server, naming the variable, before printing anything else (issue 15 §9)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cdc-prod-'));
    try {
      const result = await runAppToExit({
        NODE_ENV: 'production',
        DATA_DIR: dataDir,
        PUBLIC_BASE_URL: 'https://carteira.rio',
        JWT_SECRET: 'a-production-secret-of-at-least-32-characters',
        FILE_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
      });
      expect(result.code).toBe(78);
      expect(result.output).toMatch(/Invalid configuration: NODE_ENV=production requires SMTP_URL/);
      expect(result.output).not.toContain('/docs');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
