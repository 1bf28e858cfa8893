import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAppToExit, spawnApp } from '../support/app-process';
import { buildCitizen } from '../support/factories';

async function post(baseUrl: string, path: string, body: unknown): Promise<Response> {
  return fetch(baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function accessToken(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await post(baseUrl, '/v1/auth/token', { grant_type: 'password', username, password });
  return ((await res.json()) as { access_token: string }).access_token;
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
  }, 60_000);

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
  it('creates a demo citizen with a balance and two documents, prints a link code, and can run again', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cdc-demo-'));
    try {
      const run = () =>
        spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'scripts', 'demo.ts')], {
          env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
          encoding: 'utf8',
        });
      for (const result of [run(), run()]) {
        expect(result.status).toBe(0);
        expect(result.stdout).toMatch(/Cards: •••• \d{4}: R\$ 60,60/);
        expect(result.stdout).toMatch(/Bot link code: [A-Z2-9]{8}/);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
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
