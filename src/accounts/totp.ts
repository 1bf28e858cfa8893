import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * Time-based one-time passwords (RFC 6238 over HOTP, RFC 4226) as authenticator apps implement them: HMAC-SHA1,
 * 6 digits, 30-second steps. Plus the otpauth:// URI the apps scan and single-use recovery codes.
 */

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const TOTP_DIGITS = 6;
const TOTP_PERIOD_SECONDS = 30;
/** 160 bits: the HMAC-SHA1 output size, which RFC 4226 §4 recommends as the secret length. */
const TOTP_SECRET_BYTES = 20;

/** RFC 4648 §6 base32 without padding, the encoding authenticator apps expect for secrets. */
export function base32Encode(bytes: Uint8Array): string {
  let output = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    // At most 4 bits are left over from the previous byte, so 12 bits hold everything still to be written.
    buffer = ((buffer << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      output += BASE32_ALPHABET[(buffer >>> bits) & 31];
    }
  }
  // The last group is padded with zero bits on the right.
  if (bits > 0) output += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return output;
}

/**
 * Decodes RFC 4648 base32. Case-insensitive, and tolerant of the spaces and "=" padding people copy along with a
 * secret; throws on any other character.
 */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const character of clean) {
    const value = BASE32_ALPHABET.indexOf(character);
    if (value === -1) throw new Error(`Invalid base32 character: ${JSON.stringify(character)}`);
    // At most 7 bits are left over from the previous symbol, so 12 bits hold everything still to be read.
    buffer = ((buffer << 5) | value) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >>> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** A new TOTP secret: 20 bytes (160 bits) from the operating system's CSPRNG, base32 without padding (32 characters). */
export function generateTotpSecret(): string {
  return base32Encode(randomBytes(TOTP_SECRET_BYTES));
}

/** The RFC 6238 time step containing `now`: whole 30-second periods since the Unix epoch. */
export function currentTimeStep(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/**
 * The HOTP value (RFC 4226 §5.3) for a time step: HMAC-SHA1 of the step as a big-endian 64-bit counter, dynamically
 * truncated, as `digits` decimal digits with leading zeros. `digits` is 6 for authenticator apps; the RFC 6238 test
 * vectors use 8.
 */
export function totpCode(secretBase32: string, timeStep: number, digits = TOTP_DIGITS): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(timeStep));
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/**
 * Checks a 6-digit code against the steps from `window` before to `window` after the current one (clock drift and
 * typing time). Returns the matched time step, which the caller stores and refuses from then on (a code is valid for
 * its whole window, so without that check it could be replayed), or null. Every candidate is compared in constant
 * time and all of them are compared, so the response time says nothing about which step matched or how close a
 * guess was. If two steps give the same code, the later one is returned, which keeps the replay guard strictest.
 */
export function verifyTotp(secretBase32: string, code: string, now: Date, window = 1): number | null {
  const typed = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(typed)) return null;
  const typedBytes = Buffer.from(typed);
  const current = currentTimeStep(now);
  let matched: number | null = null;
  for (let step = current - window; step <= current + window; step++) {
    if (timingSafeEqual(Buffer.from(totpCode(secretBase32, step)), typedBytes)) matched = step;
  }
  return matched;
}

/** What the authenticator app shows for the account: the issuer and the citizen's login. */
export interface OtpauthUriOptions {
  /** The TOTP secret in base32, as generateTotpSecret returns it. */
  secret: string;
  /** The citizen's login as shown in the app, typically the e-mail. */
  accountName: string;
  /** Defaults to "Prefeitura do Rio". */
  issuer?: string;
}

/**
 * The `otpauth://totp/` URI of the Key URI Format used by Google Authenticator and compatible apps: label
 * `issuer:account` with each part percent-encoded (a space is %20, never "+", which some apps would show literally),
 * and the parameters secret, issuer, algorithm=SHA1, digits=6 and period=30. Neither part may contain ":", the label
 * separator.
 */
export function otpauthUri({ secret, accountName, issuer = 'Prefeitura do Rio' }: OtpauthUriOptions): string {
  if (issuer.includes(':') || accountName.includes(':')) {
    throw new RangeError('The issuer and the account name of an otpauth URI cannot contain ":"');
  }
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(accountName)}`;
  const parameters = [
    ['secret', secret],
    ['issuer', issuer],
    ['algorithm', 'SHA1'],
    ['digits', String(TOTP_DIGITS)],
    ['period', String(TOTP_PERIOD_SECONDS)],
  ]
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');
  return `otpauth://totp/${label}?${parameters}`;
}

/**
 * Recovery-code alphabet: digits and capitals without 0/O and 1/I, easy to read back from paper. 32 symbols, so each
 * carries exactly 5 bits.
 */
const RECOVERY_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const RECOVERY_CODE_LENGTH = 8;

/**
 * Single-use recovery codes shaped `XXXX-XXXX`: 8 symbols drawn uniformly from a CSPRNG out of 32, i.e. 40 bits each.
 * Shown to the citizen once; store them hashed.
 */
export function generateRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    let code = '';
    for (let i = 0; i < RECOVERY_CODE_LENGTH; i++) code += RECOVERY_CODE_ALPHABET[randomInt(RECOVERY_CODE_ALPHABET.length)];
    return `${code.slice(0, 4)}-${code.slice(4)}`;
  });
}

/**
 * A recovery code as typed ("abcd efgh", "ABCD-EFGH ") in the canonical `XXXX-XXXX` form, so it can be hashed and
 * compared with the stored ones; null when it cannot be a recovery code (wrong length, or a character outside the
 * alphabet such as 0, 1, O or I).
 */
export function normaliseRecoveryCode(input: string): string | null {
  const compact = input.replace(/[\s-]/g, '').toUpperCase();
  if (compact.length !== RECOVERY_CODE_LENGTH || [...compact].some((c) => !RECOVERY_CODE_ALPHABET.includes(c))) return null;
  return `${compact.slice(0, 4)}-${compact.slice(4)}`;
}
