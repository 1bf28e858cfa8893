import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Config } from '../config';
import type { Logger } from './logger';

/** The secrets the app signs and encrypts with. */
export interface Secrets {
  jwtSecret: string;
  /** 32-byte AES-256-GCM key for document files. */
  fileEncryptionKey: Buffer;
}

interface StoredSecrets {
  jwtSecret: string;
  fileEncryptionKey: string;
}

/**
 * Secrets come from the environment. With PostgreSQL (shared by many instances) they are required: every instance
 * must sign and decrypt with the same keys. With the embedded database, missing ones are generated once into
 * `DATA_DIR/dev-secrets.json` (with a warning) so `npm start` works with no setup; an in-memory database gets
 * throwaway keys.
 */
export function resolveSecrets(config: Config, logger: Logger): Secrets {
  const fromEnvKey = config.fileEncryptionKey ? decodeKey(config.fileEncryptionKey) : undefined;
  if (config.auth.jwtSecret && fromEnvKey) return { jwtSecret: config.auth.jwtSecret, fileEncryptionKey: fromEnvKey };
  if (config.database.kind === 'postgresql') {
    const missing = [!config.auth.jwtSecret && 'JWT_SECRET', !fromEnvKey && 'FILE_ENCRYPTION_KEY'].filter(Boolean).join(' and ');
    throw new ConfigError(`${missing} must be set when DATABASE_URL is used (all instances must share the same keys)`);
  }
  const generated = config.database.dataDir.startsWith('memory://') ? generate() : loadOrCreate(config.dataDir, logger);
  return {
    jwtSecret: config.auth.jwtSecret ?? generated.jwtSecret,
    fileEncryptionKey: fromEnvKey ?? Buffer.from(generated.fileEncryptionKey, 'base64'),
  };
}

function decodeKey(value: string): Buffer {
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32)
    throw new ConfigError('FILE_ENCRYPTION_KEY must be 32 bytes encoded in base64 (openssl rand -base64 32)');
  return key;
}

function generate(): StoredSecrets {
  return { jwtSecret: randomBytes(48).toString('base64url'), fileEncryptionKey: randomBytes(32).toString('base64') };
}

function loadOrCreate(dataDir: string, logger: Logger): StoredSecrets {
  const file = join(dataDir, 'dev-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StoredSecrets;
  mkdirSync(dataDir, { recursive: true });
  const secrets = generate();
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  logger.warn(
    { file },
    'development keys generated (JWT_SECRET, FILE_ENCRYPTION_KEY): set them in the environment for production',
  );
  return secrets;
}
