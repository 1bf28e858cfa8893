import type * as PgliteDriver from '@mikro-orm/pglite';
import type { PGlite } from '@electric-sql/pglite';
import { MikroORM as PgMikroORM, defineConfig as definePgConfig } from '@mikro-orm/postgresql';
import type { EntityManager as SqlEntityManager } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { LoggerOptions } from '@mikro-orm/core';
import type { DatabaseConfig } from '../config';
import { migrationsList } from '../../migrations';
import { entities } from './entities';
import { TracingQueryLogger } from '../shared/telemetry';
import { DataDirLock } from './data-dir-lock';
import { NotificationHub, type NotificationHandlers, type NotificationListener } from './notifications';
import type { Logger } from '../shared/logger';
import { currentEntityManager } from './request-context';

/** The entity manager type every service receives. PGlite and PostgreSQL share the PostgreSQL platform. */
export type EntityManager = SqlEntityManager;

export interface Database {
  orm: PgMikroORM;
  em: EntityManager;
  /** Resolves when the database answers a trivial query (the readiness probe), on a unit of work of its own. */
  ping(): Promise<void>;
  /**
   * Listens to a notification channel on the process's one listening connection (shared by every channel, reconnected
   * when it is lost: notifications.ts). Null on embedded PGlite: one process, whose parts wake each other in process.
   */
  listen(channel: string, handlers: NotificationHandlers, logger: Logger): Promise<NotificationListener | null>;
  /** Closes the connections and releases the data-directory lock (if any). */
  close(): Promise<void>;
}

function baseOptions() {
  return {
    entities,
    extensions: [Migrator],
    migrations: {
      migrationsList,
      snapshot: false,
      snapshotOnMigrate: false,
      transactional: true,
      allOrNothing: true,
      silent: true,
    },
    // Entities are defined with defineEntity; no reflection, no discovery by path.
    discovery: { warnWhenNoEntities: false },
    allowGlobalContext: false,
    // Request scopes fork their EntityManager on first use (request-context.ts).
    context: currentEntityManager,
    debug: false,
    // Every SQL statement becomes a span under the active one (a no-op without a tracing SDK).
    loggerFactory: (options: LoggerOptions) => new TracingQueryLogger(options),
  };
}

/**
 * Starts MikroORM on the configured database. The PGlite driver is loaded only when used: it is big, and a process on
 * PostgreSQL would otherwise keep it in its heap for nothing.
 */
async function initOrm(database: DatabaseConfig): Promise<PgMikroORM> {
  switch (database.kind) {
    case 'postgresql':
      return PgMikroORM.init(
        definePgConfig({
          ...baseOptions(),
          clientUrl: database.url,
          pool: { min: 0, max: database.poolMax },
        }),
      );
    case 'pglite': {
      // require, not import(): under tsx an import() would load a second copy of @mikro-orm/core, and its error
      // classes would no longer match the ones the services check with instanceof.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { MikroORM, defineConfig } = require('@mikro-orm/pglite') as typeof PgliteDriver;
      const { loadDataDir } = database;
      const orm = await MikroORM.init(
        defineConfig({
          ...baseOptions(),
          dbName: database.dataDir,
          // A function: PGlite's options object must not be cloned (a Blob inside fails with "Illegal invocation").
          ...(loadDataDir ? { driverOptions: () => ({ loadDataDir }) } : {}),
        }),
      );
      // Same PostgreSQL platform and SQL entity manager; only the driver differs.
      return orm as unknown as PgMikroORM;
    }
  }
}

/**
 * Opens the database chosen by the configuration and applies pending migrations.
 *
 * The embedded PGlite directory is locked first: a second process on the same directory is refused with a clear
 * message instead of corrupting it.
 */
export async function openDatabase(database: DatabaseConfig, options: { migrate?: boolean } = {}): Promise<Database> {
  const persisted = database.kind === 'pglite' && !database.dataDir.startsWith('memory://');
  const lock = persisted ? DataDirLock.acquire(database.dataDir) : undefined;
  try {
    const orm = await initOrm(database);
    if (options.migrate !== false) await orm.migrator.up();
    // Opened by the first listener (the logger is that caller's), ended with the last.
    let hub: NotificationHub | undefined;
    return {
      orm,
      em: orm.em,
      async ping() {
        await orm.em.fork().execute('select 1');
      },
      async listen(channel, handlers, logger) {
        if (database.kind !== 'postgresql') return null;
        hub ??= new NotificationHub(database.url, logger);
        return hub.listen(channel, handlers);
      },
      async close() {
        try {
          await orm.close(true);
        } finally {
          lock?.release();
        }
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/**
 * The PGlite instance under an embedded database's entity manager: the job runner (pg-boss) shares its one connection,
 * and the tests dump it. Only for a database opened with `kind: 'pglite'`.
 */
export async function pgliteClientOf(em: EntityManager): Promise<PGlite> {
  const connection = em.getConnection() as unknown as { getNativeClient(): Promise<PGlite> };
  return connection.getNativeClient();
}

/** Names of migrations not yet applied (used by /ready). */
export async function pendingMigrations(orm: PgMikroORM): Promise<string[]> {
  const pending = await orm.migrator.getPending();
  return pending.map((m) => m.name);
}

/** The pool counters of a PostgreSQL `pg.Pool` (the only fields read). */
export interface PgPoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** The `pg` pool behind MikroORM's PostgreSQL connection, or null when it cannot be reached. */
export async function poolStats(db: Database): Promise<PgPoolStats | null> {
  const connection = db.orm.driver.getConnection() as { getNativeClient?: () => Promise<unknown> };
  if (typeof connection.getNativeClient !== 'function') return null;
  const pool = (await connection.getNativeClient()) as Partial<PgPoolStats>;
  if (typeof pool.totalCount !== 'number') return null;
  return { totalCount: pool.totalCount, idleCount: pool.idleCount ?? 0, waitingCount: pool.waitingCount ?? 0 };
}
