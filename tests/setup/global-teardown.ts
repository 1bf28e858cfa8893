import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { DUMP_ENV, TEMPLATE_ENV, adminQuery, testDatabaseUrl } from './database';

/** Drops the template database or removes the PGlite dump made by global setup. */
export default async function globalTeardown(): Promise<void> {
  const url = testDatabaseUrl();
  const template = process.env[TEMPLATE_ENV];
  if (url && template) await adminQuery(url, `drop database if exists ${template} with (force)`);
  const dump = process.env[DUMP_ENV];
  if (dump) rmSync(dirname(dump), { recursive: true, force: true });
}
