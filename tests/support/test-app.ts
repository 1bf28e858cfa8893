import { readFileSync } from 'node:fs';
import { buildApp, type App } from '../../src/main';
import { loadConfig, type DatabaseConfig } from '../../src/config';
import { createLogger, type Logger } from '../../src/shared/logger';
import { createMailer, type Mailer } from '../../src/shared/mailer';
import type { Clock } from '../../src/shared/clock';
import type { Resolver } from '../../http/outbound-http';
import { DUMP_ENV, TEMPLATE_ENV, adminQuery, testDatabaseUrl, uniqueName, withDatabase } from '../setup/database';
import { checkedFetch } from './openapi-conformance';

export interface TestApp {
  app: App;
  baseUrl: string;
  /**
   * fetch() against the running app; `path` starts with a slash. Every answer is checked against the OpenAPI spec
   * (tests/support/openapi-conformance.ts): an undescribed status or shape rejects, failing the test.
   */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

let dump: Blob | undefined;

/** A fresh database for one test file: a copy of the migrated template (PostgreSQL) or of the dump (PGlite). */
export async function createTestDatabase(): Promise<{ database: DatabaseConfig; drop(): Promise<void> }> {
  const url = testDatabaseUrl();
  if (url) {
    const template = process.env[TEMPLATE_ENV];
    if (!template) throw new Error('global setup did not create the template database');
    const name = uniqueName('cdc_t');
    await adminQuery(url, `create database ${name} template ${template}`);
    return {
      database: { kind: 'postgresql', url: withDatabase(url, name), poolMax: 5 },
      drop: () => adminQuery(url, `drop database if exists ${name} with (force)`),
    };
  }
  const file = process.env[DUMP_ENV];
  if (!file) throw new Error('global setup did not create the PGlite dump');
  dump ??= new Blob([readFileSync(file)]);
  return { database: { kind: 'pglite', dataDir: 'memory://', loadDataDir: dump }, drop: async () => undefined };
}

/**
 * Starts the real app on an ephemeral port against its own database. `env` overrides configuration variables exactly
 * as a deployment would set them; `clock` (a TestClock) replaces the real time for token lifetimes and expiries;
 * `resolver` decides what host names resolve to for the app's outbound calls.
 */
export async function startTestApp(
  options: { env?: Record<string, string>; logger?: Logger; mailer?: Mailer; clock?: Clock; resolver?: Resolver } = {},
): Promise<TestApp> {
  const testDatabase = await createTestDatabase();
  const { database } = testDatabase;
  const config = {
    ...loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      // Public URLs (stream URLs, links) name the port the app is given (see publicBaseUrlFor).
      PUBLIC_BASE_URL: 'http://127.0.0.1:0',
      // Keys are required with PostgreSQL; tests use fixed throwaway ones.
      JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
      FILE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      // Every test client is 127.0.0.1: the global per-address limit is out of the way unless a test sets it.
      GLOBAL_RATE_LIMIT: '1000000000',
      // Likewise the sign-in failures counted per address: tests of it set it small.
      LOGIN_MAX_FAILURES_PER_ADDRESS: '1000000000',
      ...options.env,
    }),
    database,
  };
  const logger = options.logger ?? createLogger('silent');
  // Mail is dropped unless a test brings its own mailer or SMTP server.
  const mailer = options.mailer ?? (config.mail.smtpUrl ? undefined : createMailer(config.mail, logger, () => undefined));
  const app = await buildApp(config, { logger, mailer, clock: options.clock, resolver: options.resolver });
  const port = await app.listen();
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    baseUrl,
    fetch: (path, init) => checkedFetch(baseUrl, path, init),
    async close() {
      await app.close();
      await testDatabase.drop();
    },
  };
}
