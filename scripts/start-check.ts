/**
 * `npm start`'s first step (npm runs it as `prestart`): refuses at once, not after a build of half a minute, when the
 * configuration is invalid or another process uses the embedded database. The app checks both again as it starts;
 * this only makes the refusal fast. Exit codes are the app's (78 configuration, 75 data directory in use).
 */
import { ConfigError, loadConfig, type Config } from '../src/config';
import { DataDirLock, DataDirLockedError } from '../src/db/data-dir-lock';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`Invalid configuration: ${error.message}\n`);
  process.exit(78);
}
const { database } = config;
if (database.kind === 'pglite' && !database.dataDir.startsWith('memory://')) {
  try {
    DataDirLock.ensureFree(database.dataDir);
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(75);
  }
}
