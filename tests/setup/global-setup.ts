import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/orm';
import { installJobsSchema } from '../../src/jobs/job-runner';
import { DUMP_ENV, TEMPLATE_ENV, adminQuery, testDatabaseUrl, uniqueName, withDatabase } from './database';

/** Migrates one template database (PostgreSQL) or one dump (PGlite) that every test file starts from. */
export default async function globalSetup(): Promise<void> {
  const url = testDatabaseUrl();
  if (url) {
    const template = uniqueName('cdc_tmpl');
    await adminQuery(url, `create database ${template}`);
    const db = await openDatabase({ kind: 'postgresql', url: withDatabase(url, template), poolMax: 2 });
    // The job queue's schema too, so no test app installs it again.
    await installJobsSchema({ kind: 'postgresql', url: withDatabase(url, template) });
    // Every connection to the template must be gone before it can be copied.
    await db.close();
    process.env[TEMPLATE_ENV] = template;
    return;
  }
  const db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  await installJobsSchema({ kind: 'pglite', em: db.em });
  const pglite = await pgliteOf(db.em);
  const dump = await pglite.dumpDataDir('none');
  const folder = mkdtempSync(join(tmpdir(), 'cdc-pglite-'));
  const file = join(folder, 'template.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await db.close();
  process.env[DUMP_ENV] = file;
}

interface DumpablePglite {
  dumpDataDir(compression: 'none'): Promise<Blob>;
}

/** The PGlite instance under MikroORM's connection. */
async function pgliteOf(em: unknown): Promise<DumpablePglite> {
  const connection = (em as { getConnection(): { getNativeClient(): Promise<DumpablePglite> } }).getConnection();
  return connection.getNativeClient();
}
