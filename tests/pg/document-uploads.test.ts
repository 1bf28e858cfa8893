import { buildApp } from '../../src/main';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/shared/logger';
import { createMailer } from '../../src/shared/mailer';
import { requirePostgres } from '../support/require-postgres';
import { createTestDatabase, type TestApp } from '../support/test-app';
import { createDocument, postJson, registerCitizen, sampleFiles, uploadDocumentFile } from '../support/factories';

/**
 * Document writes racing on separate PostgreSQL connections, through real HTTP (PGlite has one connection and would
 * serialise them, proving nothing).
 */
requirePostgres();

const QUOTA_COUNT = 12;
const QUOTA_BYTES = 350 * 1024;
let t: TestApp;

beforeAll(async () => {
  const testDatabase = await createTestDatabase();
  if (testDatabase.database.kind !== 'postgresql') throw new Error('expected PostgreSQL');
  const logger = createLogger('silent');
  const config = {
    ...loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
      FILE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      DOCUMENT_QUOTA_COUNT: String(QUOTA_COUNT),
      DOCUMENT_QUOTA_BYTES: String(QUOTA_BYTES),
    }),
    // A pool large enough that the requests really meet in the database.
    database: { ...testDatabase.database, poolMax: 25 },
  };
  const app = await buildApp(config, { logger, mailer: createMailer(config.mail, logger, () => undefined) });
  const baseUrl = `http://127.0.0.1:${await app.listen()}`;
  t = {
    app,
    baseUrl,
    fetch: (path, init) => fetch(baseUrl + path, init),
    async close() {
      await app.close();
      await testDatabase.drop();
    },
  };
});
afterAll(async () => {
  await t.close();
});

async function sql(query: string, params: unknown[] = []) {
  return t.app.db.em.fork().execute(query, params);
}

describe('concurrent document writes on PostgreSQL', () => {
  it('20 parallel uploads to one document end with one intact file and no orphaned rows', async () => {
    const citizen = await registerCitizen(t);
    const doc = await createDocument(t, citizen);
    const files = Array.from({ length: 20 }, (_, i) =>
      sampleFiles[(['pdf', 'jpeg', 'png'] as const)[i % 3]](100_000 + i * 9_000),
    );
    const results = await Promise.all(files.map((bytes, i) => uploadDocumentFile(t, citizen, doc.id, bytes, `arquivo-${i}`)));
    expect(results.map((res) => res.status)).toEqual(files.map(() => 200));

    const rows = await sql('select document_id, size_bytes, file_name from document_files where user_id = ?', [citizen.id]);
    expect(rows).toHaveLength(1);
    const download = await t.fetch(`/v1/documents/${doc.id}/file`, { headers: citizen.auth });
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    const winner = files.findIndex((file) => file.equals(bytes));
    expect(winner).toBeGreaterThanOrEqual(0);
    // The metadata belongs to the same upload as the content.
    expect(Number(rows[0].size_bytes)).toBe(files[winner].length);
    expect(String(rows[0].file_name)).toMatch(new RegExp(`^arquivo-${winner}\\.`));
  });

  it('uploads racing a deletion of their document leave neither a file nor an error other than 404', async () => {
    const citizen = await registerCitizen(t);
    const doc = await createDocument(t, citizen);
    const uploads = Array.from({ length: 10 }, () => uploadDocumentFile(t, citizen, doc.id, sampleFiles.pdf(50_000)));
    const deletion = t.fetch(`/v1/documents/${doc.id}`, { method: 'DELETE', headers: citizen.auth });
    const [deleted, ...results] = await Promise.all([deletion, ...uploads]);
    expect(deleted.status).toBe(204);
    for (const res of results) expect([200, 404]).toContain(res.status);
    const [counts] = await sql(
      `select (select count(*)::int from documents where user_id = ?) as documents,
              (select count(*)::int from document_files where user_id = ?) as files`,
      [citizen.id, citizen.id],
    );
    expect(counts).toEqual({ documents: 0, files: 0 });
  });

  it('parallel creations never exceed the document quota', async () => {
    const citizen = await registerCitizen(t);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        postJson(
          t,
          '/v1/documents',
          { type: 'passaporte', number: `CD${String(i).padStart(6, '0')}`, expiresAt: '2031-01-01' },
          citizen.auth,
        ),
      ),
    );
    expect(results.filter((res) => res.status === 201)).toHaveLength(QUOTA_COUNT);
    expect(results.filter((res) => res.status === 409)).toHaveLength(20 - QUOTA_COUNT);
    const [{ n }] = await sql('select count(*)::int as n from documents where user_id = ?', [citizen.id]);
    expect(n).toBe(QUOTA_COUNT);
  });

  it('parallel uploads to different documents never exceed the storage quota', async () => {
    const citizen = await registerCitizen(t);
    const documents = [];
    for (let i = 0; i < 10; i++) documents.push(await createDocument(t, citizen));
    const size = 100 * 1024;
    const results = await Promise.all(documents.map((doc) => uploadDocumentFile(t, citizen, doc.id, sampleFiles.png(size))));
    const accepted = Math.floor(QUOTA_BYTES / size);
    expect(results.filter((res) => res.status === 200)).toHaveLength(accepted);
    expect(results.filter((res) => res.status === 409)).toHaveLength(10 - accepted);
    const [{ used }] = await sql('select coalesce(sum(size_bytes), 0)::int as used from document_files where user_id = ?', [
      citizen.id,
    ]);
    expect(used).toBe(accepted * size);
  });
});
