import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DomainError } from '../shared/errors';

/** A file as stored: AES-256-GCM ciphertext with its random 96-bit IV and 128-bit authentication tag. */
export interface EncryptedFile {
  iv: Buffer;
  authTag: Buffer;
  ciphertext: Buffer;
}

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Binds a ciphertext to its document: moved under another document's row, it no longer decrypts. */
function additionalData(documentId: string): Buffer {
  return Buffer.from(`carteira-digital-carioca/document-file/v1/${documentId}`, 'utf8');
}

/** Encrypts a document's file under `key` with a fresh random IV. */
export function encryptFile(key: Buffer, documentId: string, plaintext: Buffer): EncryptedFile {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(documentId));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, authTag: cipher.getAuthTag(), ciphertext };
}

/**
 * Decrypts and authenticates a stored file. Any altered byte (ciphertext, IV, tag) or a file stored under another
 * document fails with `file-corrupted`: altered bytes are never returned.
 */
export function decryptFile(key: Buffer, documentId: string, stored: EncryptedFile): Buffer {
  if (stored.iv.length !== IV_BYTES || stored.authTag.length !== TAG_BYTES) throw new DomainError('file-corrupted');
  try {
    const decipher = createDecipheriv(ALGORITHM, key, stored.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(documentId));
    decipher.setAuthTag(stored.authTag);
    return Buffer.concat([decipher.update(stored.ciphertext), decipher.final()]);
  } catch {
    throw new DomainError('file-corrupted');
  }
}
