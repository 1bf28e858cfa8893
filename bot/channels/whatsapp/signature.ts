import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/**
 * Checks Meta's `X-Hub-Signature-256` header (`sha256=<hex HMAC-SHA256 of the raw body keyed with the app secret>`)
 * in constant time. Must run over the exact bytes received, before the body is parsed or acted on.
 */
export function isValidSignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  const match = SIGNATURE.exec((header ?? '').trim());
  if (!match) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(match[1], 'hex'));
}

/**
 * Compares the verify token of the subscription handshake with ours without leaking its length or prefix through
 * timing (both sides are hashed to equal-length digests first).
 */
export function isSameSecret(received: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(received), digest(expected));
}
