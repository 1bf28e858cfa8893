import type { Pool } from 'pg';
import { PostgreSqlConnection } from '@mikro-orm/postgresql';
import { openDatabase, type Database } from '../../src/db/orm';
import { prepared, runPrepared } from '../../src/db/prepared';
import { createTestDatabase } from '../support/test-app';

/**
 * Hot statements run as named prepared statements on PostgreSQL (planned once per connection) and through the ORM's
 * connection on PGlite; either way the caller gets the same rows.
 */
const SUM = prepared('test_sum', 'select ?::int + ?::int as sum, ?::text as label');

let db: Database;
let testDatabase: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  const { database } = testDatabase;
  // One connection, so the session that prepared the statement is the one asked about it below.
  db = await openDatabase(database.kind === 'postgresql' ? { ...database, poolMax: 1 } : database, { migrate: false });
});
afterAll(async () => {
  await db.close();
  await testDatabase.drop();
});

test('placeholders become $n in order; a name stands for one text only', () => {
  expect(SUM.text).toBe('select $1::int + $2::int as sum, $3::text as label');
  expect(prepared('test_sum', SUM.sql)).toEqual(SUM);
  expect(() => prepared('test_sum', 'select 1')).toThrow('prepared statement test_sum is defined twice');
});

test('returns the rows, with values passed as parameters, never spliced into the text', async () => {
  const rows = await runPrepared<{ sum: number; label: string }>(db.em, SUM, [2, 3, "o'brien; drop table users"]);
  expect(rows).toEqual([{ sum: 5, label: "o'brien; drop table users" }]);
});

test('a statement the database refuses rejects with its error and leaves the connection usable', async () => {
  const BAD = prepared('test_bad_uuid', 'select ?::uuid as id');
  await expect(runPrepared(db.em, BAD, ['not-a-uuid'])).rejects.toThrow(/uuid/);
  await expect(runPrepared(db.em, SUM, [1, 1, 'x'])).resolves.toEqual([{ sum: 2, label: 'x' }]);
});

test('on PostgreSQL the statement is prepared on the connection (on PGlite it runs in the ORM session)', async () => {
  const connection = db.em.getConnection();
  if (!(connection instanceof PostgreSqlConnection)) {
    // PGlite is one embedded session driven by the ORM: the statement goes through the ORM's connection instead.
    expect(await runPrepared(db.em, SUM, [1, 2, 'y'])).toEqual([{ sum: 3, label: 'y' }]);
    return;
  }
  await runPrepared(db.em, SUM, [1, 2, 'y']);
  const pool: Pool = await connection.getNativeClient();
  const { rows } = await pool.query<{ name: string; statement: string }>(
    `select name, statement from pg_prepared_statements where name = 'test_sum'`,
  );
  expect(rows).toEqual([{ name: 'test_sum', statement: SUM.text }]);
});
