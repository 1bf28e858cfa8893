import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Keys and sealing for two-factor data at rest. Both keys are derived from the deployment's file encryption key with
 * HKDF-SHA256 under distinct labels, so no new secret has to be configured and a key serves exactly one purpose.
 */
export interface MfaKeys {
  /** AES-256-GCM key for TOTP secrets. */
  secretKey: Buffer;
  /** HMAC-SHA256 key for recovery codes. */
  recoveryCodeKey: Buffer;
}

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Derives the two-factor keys from the 32-byte master key (`secrets.fileEncryptionKey`). */
export function deriveMfaKeys(masterKey: Buffer): MfaKeys {
  const derive = (label: string) =>
    Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `carteira-digital-carioca/${label}/v1`, 32));
  return { secretKey: derive('totp-secret'), recoveryCodeKey: derive('mfa-recovery-code') };
}

/** Binds a sealed secret to its owner: copied onto another citizen's row, it no longer opens. */
function additionalData(userId: string): Buffer {
  return Buffer.from(`carteira-digital-carioca/totp-secret/v1/${userId}`, 'utf8');
}

/** Encrypts a base32 TOTP secret: IV (12 bytes) || tag (16 bytes) || ciphertext, with a fresh random IV. */
export function sealTotpSecret(key: Buffer, userId: string, secret: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(userId));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** Decrypts and authenticates what {@link sealTotpSecret} produced; throws on any altered byte or a foreign row. */
export function openTotpSecret(key: Buffer, userId: string, sealed: Buffer): string {
  const decipher = createDecipheriv(ALGORITHM, key, sealed.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(additionalData(userId));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}

/**
 * The stored form of a recovery code (canonical `XXXX-XXXX`): HMAC-SHA256 under a server key, bound to the user. 40
 * random bits would fall to a brute force of a bare fast hash if the table leaked; without the key they cannot be
 * tested at all.
 */
export function hashRecoveryCode(key: Buffer, userId: string, code: string): string {
  return createHmac('sha256', key).update(`${userId}:${code}`).digest('hex');
}
