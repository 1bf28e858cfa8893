import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Test databases. With TEST_DATABASE_URL (PostgreSQL) global setup migrates a template database once and every test
 * file gets its own copy (`CREATE DATABASE ... TEMPLATE`, ~100 ms). Without it (embedded PGlite) global setup dumps a
 * migrated in-memory instance and every test file loads that dump into its own in-memory PGlite.
 */
export const TEMPLATE_ENV = 'CDC_TEST_TEMPLATE_DB';
export const DUMP_ENV = 'CDC_TEST_PGLITE_DUMP';

export function testDatabaseUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL?.trim();
  return url ? url : undefined;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}
