import { RequestContext } from '@mikro-orm/core';
import { loadConfig, type Config } from '../src/config';
import { openDatabase, type Database } from '../src/db/orm';
import { createLogger } from '../src/shared/logger';
import { createMailer } from '../src/shared/mailer';
import { resolveSecrets } from '../src/shared/secrets';
import { createServices, type AppServices } from '../src/services';

/**
 * Runs an operator command against the app's database with the domain services, configured exactly like the app
 * (DATABASE_URL, or the embedded database in DATA_DIR: the app must be stopped then), inside one request context.
 */
export async function withServices<T>(work: (services: AppServices, db: Database, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const logger = createLogger('warn');
  const db = await openDatabase(config.database);
  try {
    const services = createServices({
      config,
      em: db.em,
      logger,
      secrets: resolveSecrets(config, logger),
      mailer: createMailer(config.mail, logger),
    });
    return await RequestContext.create(db.em, () => work(services, db, config));
  } finally {
    await db.close();
  }
}
