import { boundedEditDistance, normalizeText } from '../../src/faq/text';
import type { Choice } from './types';

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

/**
 * The choice the citizen meant: by number ("2", "2."), by button value, or by label (accents, case and one typo
 * forgiven). Null when nothing matches.
 */
export function matchChoice(text: string, choices: readonly Choice[]): Choice | null {
  const simple = simplify(text);
  if (simple === '') return null;
  const number = /^(\d{1,2})$/.exec(simple);
  if (number) return choices[Number(number[1]) - 1] ?? null;
  const byValue = choices.find((c) => simplify(c.value) === simple);
  if (byValue) return byValue;
  const byLabel = choices.find((c) => simplify(c.label) === simple);
  if (byLabel) return byLabel;
  const fuzzy = choices.filter((c) => closeTo(simple, simplify(c.label)));
  if (fuzzy.length === 1) return fuzzy[0];
  // One distinctive word of a label ("danificado" for "Cartão danificado"), when it points to a single choice.
  if (simple.length >= 4 && !simple.includes(' ')) {
    const byWord = choices.filter((c) =>
      simplify(c.label)
        .split(' ')
        .some((word) => word.length >= 4 && closeTo(simple, word)),
    );
    if (byWord.length === 1) return byWord[0];
  }
  return null;
}

export const YES_NO: Choice[] = [
  { label: 'Sim', value: 'sim' },
  { label: 'Não', value: 'nao' },
];

/** "sim", "s", "isso", "pode" -> true; "não", "n" -> false; anything else -> null. */
export function parseYesNo(text: string): boolean | null {
  const simple = simplify(text);
  if (['sim', 's', 'isso', 'pode', 'confirmo', 'confirmar', 'ok', 'yes', '1'].includes(simple)) return true;
  if (['nao', 'n', 'no', 'negativo', '2'].includes(simple)) return false;
  return null;
}

const MONTHS = [
  'janeiro',
  'fevereiro',
  'marco',
  'abril',
  'maio',
  'junho',
  'julho',
  'agosto',
  'setembro',
  'outubro',
  'novembro',
  'dezembro',
];

function isoDate(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * A date as people type it in Brazil: 01/05/2030, 1/5/30, 01-05-2030, 01.05.2030, "1 de maio de 2030", or ISO
 * 2030-05-01. Two-digit years are 2000-2099 (documents here expire in this century). Returns YYYY-MM-DD or null.
 */
export function parseDate(text: string): string | null {
  const compact = text.trim().replace(/\s+/g, '');
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(compact);
  if (iso) return isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const numeric = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(compact);
  if (numeric) {
    const year = numeric[3].length === 2 ? 2000 + Number(numeric[3]) : Number(numeric[3]);
    return isoDate(year, Number(numeric[2]), Number(numeric[1]));
  }
  const written = /^(\d{1,2})(?:o)? de ([a-z]+) de (\d{4})$/.exec(simplify(text));
  if (written) {
    const month = MONTHS.indexOf(written[2]) + 1;
    return month > 0 ? isoDate(Number(written[3]), month, Number(written[1])) : null;
  }
  return null;
}

/** "2030-05-01" -> "01/05/2030". */
export function formatDate(iso: string): string {
  const [year, month, day] = iso.split('-');
  return `${day}/${month}/${year}`;
}
