/**
 * `npm run migrate` (in the image: `node dist/scripts/migrate.js`): applies pending migrations to the database the app
 * would use (DATABASE_URL, or the embedded one in DATA_DIR) and exits. The app also migrates at start-up; running this
 * first (the Kubernetes migration Job, see docs/operations.md) means new replicas start with nothing to apply, so they
 * never race each other on a schema change and a failing migration stops the rollout before any pod is replaced.
 * Exit codes: 0 applied (or nothing to do), 1 a migration failed (rolled back: migrations run all-or-nothing),
 * 78 bad configuration.
 */
import { ConfigError, loadConfig, type Config } from '../src/config';
import { openDatabase, pendingMigrations } from '../src/db/orm';
import { installJobsSchema, jobsDatabaseOf } from '../src/jobs/job-runner';

async function main(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Invalid configuration: ${error.message}\n`);
      return 78;
    }
    throw error;
  }
  const db = await openDatabase(config.database, { migrate: false });
  try {
    const pending = await pendingMigrations(db.orm);
    if (pending.length === 0) {
      process.stdout.write('Database schema is up to date: no pending migrations.\n');
    } else {
      process.stdout.write(`Applying ${pending.length} migration(s): ${pending.join(', ')}\n`);
      await db.orm.migrator.up();
      process.stdout.write('Migrations applied.\n');
    }
    // pg-boss keeps its own schema and versions (it would also install it at the first start); done here so replicas
    // starting together do not each do it.
    await installJobsSchema(jobsDatabaseOf(config.database, db.em));
    process.stdout.write('Job queue schema is up to date.\n');
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`migrate failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
