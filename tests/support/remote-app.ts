import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { RegisterInput } from '../../src/accounts/accounts.service';
import type { AppProcess } from './app-process';
import { buildCitizen } from './factories';
import { TEMPLATE_ENV, adminQuery, testDatabaseUrl, uniqueName, withDatabase } from '../setup/database';

const ROOT = join(__dirname, '..', '..');

/**
 * Helpers for tests that drive the app as a separate process (spawnApp) over HTTP only: they cannot reach into the
 * app's objects the way tests built on startTestApp do.
 */

/**
 * A scratch database on the shared PostgreSQL server (TEST_DATABASE_URL): a copy of the migrated template made by
 * global setup. Without importing the app, so the test process stays a pure client of the processes it spawns.
 */
export async function createScratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = testDatabaseUrl();
  const template = process.env[TEMPLATE_ENV];
  if (!url || !template) throw new Error('fault tests need TEST_DATABASE_URL (PostgreSQL) and its migrated template');
  const name = uniqueName('cdc_fault');
  await adminQuery(url, `create database ${name} template ${template}`);
  return { url: withDatabase(url, name), drop: () => adminQuery(url, `drop database if exists ${name} with (force)`) };
}

/** Environment for an app process on PostgreSQL, with the limits that would throttle a load out of the way. */
export function postgresAppEnv(databaseUrl: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    // Keys are required with PostgreSQL; fixed throwaway ones so several instances share them.
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    FILE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    RECHARGE_VELOCITY_PER_HOUR: '1000000',
    CARD_BALANCE_CAP_CENTS: '1000000000000',
    ...overrides,
  };
}

export interface RemoteCitizen {
  id: string;
  input: RegisterInput;
  auth: { authorization: string };
}

export function postJson(baseUrl: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Registers a citizen and signs in with the password grant. */
export async function registerRemoteCitizen(baseUrl: string): Promise<RemoteCitizen> {
  const input = buildCitizen();
  const registered = await postJson(baseUrl, '/v1/auth/register', input);
  if (registered.status !== 201) throw new Error(`registration failed: ${registered.status} ${await registered.text()}`);
  const { id } = (await registered.json()) as { id: string };
  const token = await postJson(baseUrl, '/v1/auth/token', {
    grant_type: 'password',
    username: input.email,
    password: input.password,
  });
  if (token.status !== 200) throw new Error(`sign-in failed: ${token.status} ${await token.text()}`);
  const { access_token: accessToken } = (await token.json()) as { access_token: string };
  return { id, input, auth: { authorization: `Bearer ${accessToken}` } };
}

/**
 * Registers a citizen and makes them an admin straight in the database (as `npm run admin:grant` does): the simulated
 * recharge (credit without a payment) is admin-only. The role is read on every request, so the token already carries it.
 */
export async function registerRemoteAdmin(baseUrl: string, databaseUrl: string): Promise<RemoteCitizen> {
  const citizen = await registerRemoteCitizen(baseUrl);
  await adminQuery(databaseUrl, `update users set role = 'admin' where id = '${citizen.id}'`);
  return citizen;
}

/** The citizen's cards: the one made at registration plus `extra` new ones. */
export async function cardsOf(baseUrl: string, citizen: RemoteCitizen, extra = 0): Promise<string[]> {
  for (let i = 0; i < extra; i++) {
    const res = await postJson(baseUrl, '/v1/cards', undefined, citizen.auth);
    if (res.status !== 201) throw new Error(`card creation failed: ${res.status} ${await res.text()}`);
  }
  const page = (await (await fetch(`${baseUrl}/v1/cards`, { headers: citizen.auth })).json()) as { items: Array<{ id: string }> };
  return page.items.map((card) => card.id);
}

export async function balanceOf(baseUrl: string, citizen: RemoteCitizen, cardId: string): Promise<number> {
  const res = await fetch(`${baseUrl}/v1/cards/${cardId}`, { headers: citizen.auth });
  if (res.status !== 200) throw new Error(`card read failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { balanceCents: number }).balanceCents;
}

/** `npm run ledger:verify` against `databaseUrl` as its own process; resolves with its exit code and output. */
export function runLedgerVerify(databaseUrl: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'scripts', 'ledger-verify.ts')],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, output: stdout + stderr });
      },
    );
  });
}

/** Kills the process if it still runs and waits for it to end (cleanup after a failed assertion). */
export async function killApp(app: AppProcess | undefined): Promise<void> {
  if (!app) return;
  if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
  await app.exited;
}

/** Polls `check` until it returns true or `timeoutMs` passes; throws with `what` on time-out. */
export async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
