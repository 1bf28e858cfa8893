import { randomInt } from 'node:crypto';

/** No 0/O, 1/I/L: a code read aloud or copied from a phone screen is typed right the first time. */
export const LINK_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const LINK_CODE_LENGTH = 8;

/** A random 8-character one-time code (31^8 ≈ 8.5 × 10^11 possibilities, ~39.6 bits). */
export function generateLinkCode(): string {
  let code = '';
  for (let i = 0; i < LINK_CODE_LENGTH; i++) code += LINK_CODE_ALPHABET[randomInt(LINK_CODE_ALPHABET.length)];
  return code;
}

/** The code as typed ("abcd-2345", "ABCD 2345") in its canonical form, or null when it cannot be a code. */
export function normaliseLinkCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== LINK_CODE_LENGTH) return null;
  return [...code].every((c) => LINK_CODE_ALPHABET.includes(c)) ? code : null;
}
