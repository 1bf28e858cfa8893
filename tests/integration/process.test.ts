import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAppToExit, spawnApp } from '../support/app-process';

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
