import { boundedEditDistance, normalizeText } from '../../src/faq/text';

/** Lower case, no accents, single spaces, no punctuation at the ends: how every answer is compared. */
export function simplify(text: string): string {
  return normalizeText(text)
    .replace(/[^\p{L}\p{N}\s/-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** True when `word` is `target` or one small typo away from it (for words long enough to tell apart). */
export function closeTo(word: string, target: string): boolean {
  if (word === target) return true;
  if (target.length < 5) return false;
  return boundedEditDistance(word, target, 1) <= 1;
}
