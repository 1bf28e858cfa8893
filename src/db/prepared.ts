import type { Pool } from 'pg';
import { PostgreSqlConnection } from '@mikro-orm/postgresql';
import { recordQuerySpan } from '../shared/telemetry';
import type { EntityManager } from './orm';

/**
 * A fixed statement that a hot path runs many times a second (a bot turn's conversation load, a card read, the bearer
 * token's account lookup). On PostgreSQL it runs as a named prepared statement on the ORM's own `pg` pool: each
 * connection parses and plans it once, then only binds and executes. Planning was most of the database's work for
 * these one-row reads (the conversation load: ~170 µs of server CPU unprepared, ~40 µs prepared), and MikroORM always
 * sends statements with the values inlined, so it cannot reuse a plan. On PGlite (one embedded session, where the
 * ORM orders statements and transactions) it goes through the ORM's connection as before.
 *
 * Only for statements outside transactions: a transaction's statements must run on its own connection. A migration
 * that changes the type of a column a prepared statement returns makes old processes' statements fail with "cached
 * plan must not change result type" until they reconnect, and PgBouncer needs `max_prepared_statements` for them:
 * docs/operations.md §3 and §7.
 */
export interface PreparedStatement {
  /** Unique per text: PostgreSQL names the statement on each connection. */
  readonly name: string;
  /** The SQL with `?` placeholders, as MikroORM takes it. */
  readonly sql: string;
  /** The SQL with `$1`, `$2`... placeholders, as PostgreSQL takes it. */
  readonly text: string;
}

const defined = new Map<string, string>();

/** Declares a prepared statement (once, at module load). `sql` uses `?` placeholders and no `?` operator. */
export function prepared(name: string, sql: string): PreparedStatement {
  const existing = defined.get(name);
  if (existing !== undefined && existing !== sql) throw new Error(`prepared statement ${name} is defined twice`);
  defined.set(name, sql);
  let index = 0;
  return { name, sql, text: sql.replace(/\?/g, () => `$${++index}`) };
}

const pools = new WeakMap<object, Pool | null>();

/** The `pg` pool behind the ORM's connection, or null on PGlite; looked up once per connection. */
async function poolOf(em: EntityManager): Promise<Pool | null> {
  const connection = em.getConnection();
  let pool = pools.get(connection);
  if (pool === undefined) {
    pool = connection instanceof PostgreSqlConnection ? await connection.getNativeClient() : null;
    pools.set(connection, pool);
  }
  return pool;
}

/** Runs a prepared statement outside any transaction and returns its rows (same type parsing as the ORM's). */
export async function runPrepared<Row>(em: EntityManager, statement: PreparedStatement, values: unknown[]): Promise<Row[]> {
  const pool = await poolOf(em);
  if (!pool) return em.getConnection().execute<Row[]>(statement.sql, values);
  const started = Date.now();
  try {
    const result = await pool.query({ name: statement.name, text: statement.text, values });
    recordQuerySpan(statement.sql, Date.now() - started, false);
    return result.rows as Row[];
  } catch (error) {
    recordQuerySpan(statement.sql, Date.now() - started, true);
    throw error;
  }
}
