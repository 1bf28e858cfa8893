import { randomBytes } from 'node:crypto';
import argon2, { type HashOptions } from 'argon2';

/** Argon2id cost parameters. */
export interface Argon2Parameters {
  /** Memory in KiB. */
  memoryCost: number;
  /** Number of passes over the memory. */
  timeCost: number;
  /** Lanes; 1 keeps each hash on one thread so concurrent logins do not starve each other. */
  parallelism: number;
}

/** OWASP Password Storage Cheat Sheet minimum for argon2id: m = 19 MiB, t = 2, p = 1. */
export const OWASP_ARGON2ID_PARAMETERS: Readonly<Argon2Parameters> = Object.freeze({
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

/** Hashing and verification of passwords with one set of parameters. */
export interface PasswordHasher {
  /** The parameters new hashes are made with. */
  readonly parameters: Readonly<Argon2Parameters>;
  /** An argon2id PHC string (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`) with a fresh random salt. */
  hashPassword(password: string): Promise<string>;
  /** True when the password matches the PHC string; false for a wrong password and for a malformed hash, never throws. */
  verifyPassword(hash: string, password: string): Promise<boolean>;
  /** True when the hash was made with other parameters or another algorithm: rehash it after a successful login. */
  needsRehash(hash: string): boolean;
  /**
   * Verifies the password against a dummy hash made with the same parameters and always resolves to false. Call it
   * when the login is unknown, so that an unknown login costs the same argon2 work as a wrong password and the
   * response time does not reveal which accounts exist.
   */
  verifyAgainstDummy(password: string): Promise<false>;
}

/**
 * NIST SP 800-63B asks verifiers to normalise Unicode before hashing: "é" typed as one code point or as "e" plus an
 * accent must be the same password on every device.
 */
function normalise(password: string): string {
  return password.normalize('NFKC');
}

/**
 * A hasher with the given argon2id parameters (the OWASP minimum by default; tests and benchmarks pass cheaper or
 * costlier ones). The dummy hash is computed once, in the background, as soon as the hasher is created.
 */
export function createPasswordHasher(parameters: Argon2Parameters = OWASP_ARGON2ID_PARAMETERS): PasswordHasher {
  const options: HashOptions = { type: argon2.argon2id, ...parameters };
  const hashPassword = (password: string): Promise<string> => argon2.hash(normalise(password), options);

  // A random password nobody knows: the dummy can never verify, whatever is typed.
  const dummyHash = hashPassword(randomBytes(32).toString('base64'));
  // Kept as a promise and awaited by verifyAgainstDummy; this handler only stops an early failure from being reported
  // as unhandled before the first unknown login awaits it (where it is thrown).
  dummyHash.catch(() => undefined);

  return {
    parameters: Object.freeze({ ...parameters }),
    hashPassword,
    async verifyPassword(hash, password) {
      try {
        return await argon2.verify(hash, normalise(password));
      } catch {
        return false;
      }
    },
    needsRehash(hash) {
      if (!hash.startsWith('$argon2id$')) return true;
      try {
        return argon2.needsRehash(hash, parameters);
      } catch {
        return true;
      }
    },
    async verifyAgainstDummy(password) {
      await argon2.verify(await dummyHash, normalise(password));
      return false;
    },
  };
}
