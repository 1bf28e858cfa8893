import { randomInt } from 'node:crypto';

/** No 0/O, 1/I/L: a code read aloud or copied from a phone screen is typed right the first time. */
export const LINK_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const LINK_CODE_LENGTH = 8;

/**
 * The code space of a code: its first character (31 spaces of 31^7 codes each). Wrong codes are counted per space,
 * so a flood locks only the spaces it fills (see ChannelLinksService).
 */
export function codeSpaceOf(code: string): string {
  return code[0];
}

/**
 * A random 8-character one-time code (31^8 ≈ 8.5 × 10^11 possibilities, ~39.6 bits), in a space that is not among
 * `lockedSpaces` (when every space is locked, in any).
 */
export function generateLinkCode(lockedSpaces: ReadonlySet<string> = new Set()): string {
  const open = [...LINK_CODE_ALPHABET].filter((c) => !lockedSpaces.has(c));
  const first = open.length > 0 ? open : [...LINK_CODE_ALPHABET];
  let code = first[randomInt(first.length)];
  for (let i = 1; i < LINK_CODE_LENGTH; i++) code += LINK_CODE_ALPHABET[randomInt(LINK_CODE_ALPHABET.length)];
  return code;
}

/** The code as typed ("abcd-2345", "ABCD 2345") in its canonical form, or null when it cannot be a code. */
export function normaliseLinkCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== LINK_CODE_LENGTH) return null;
  return [...code].every((c) => LINK_CODE_ALPHABET.includes(c)) ? code : null;
}
