/**
 * Check-digit algorithms of Brazilian document numbers. Pure functions over already normalised numbers
 * (digits, plus upper-case letters where a rule allows them); document-types.ts turns them into pt-BR answers.
 */

/** Sum of each digit times the weight at the same position. */
function weightedSum(digits: string, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += Number(digits[i]) * weights[i];
  return sum;
}

/** Weights start..end (inclusive), counting up or down. */
function weightRange(start: number, end: number): number[] {
  const step = start <= end ? 1 : -1;
  return Array.from({ length: Math.abs(end - start) + 1 }, (_, i) => start + i * step);
}

/** The classic "11 minus the remainder" check digit, where 10 and 11 become 0. */
function elevenMinusRemainder(sum: number): number {
  const digit = 11 - (sum % 11);
  return digit >= 10 ? 0 : digit;
}

const CNH_FIRST_WEIGHTS = weightRange(2, 10);
const CNH_SECOND_WEIGHTS = weightRange(3, 11);

/**
 * CNH (registro nacional, 11 digits): 9 base digits and 2 check digits, DENATRAN rule.
 * The first digit uses weights 2..10; the second weighs the base digits 3..11 and the first check digit 2.
 * This is the same number as the older "dsc" statement of the rule (weights 9..1 and 1..9, second digit minus 2 when
 * the first remainder was 10, wrapping mod 11), including the cases where naive ports of that statement go negative.
 */
export function isValidCnh(number: string): boolean {
  if (!/^\d{11}$/.test(number) || /^(\d)\1{10}$/.test(number)) return false;
  const first = elevenMinusRemainder(weightedSum(number, CNH_FIRST_WEIGHTS));
  const second = elevenMinusRemainder(weightedSum(number, CNH_SECOND_WEIGHTS) + first * 2);
  return Number(number[9]) === first && Number(number[10]) === second;
}

/** TSE codes of São Paulo and Minas Gerais, whose check digits become 1 when the remainder is 0. */
const VOTER_ID_SP_MG = new Set(['01', '02']);
const VOTER_ID_SEQUENCE_WEIGHTS = weightRange(2, 9);
const VOTER_ID_STATE_WEIGHTS = [7, 8, 9];

/**
 * Título de eleitor (Res. TSE 21.538/2003, art. 12): 8-digit sequence, UF code 01..28 (28 = exterior, ZZ),
 * then two mod-11 check digits: over the sequence (weights 2..9), then over the UF code and the first digit (7, 8, 9).
 * Remainder 10 gives 0. For SP and MG a remainder of 0 gives 1 in the first digit; sources disagree on whether the
 * second digit follows the same exception, so for SP and MG both 0 and 1 are accepted there.
 */
export function isValidVoterId(number: string): boolean {
  if (!/^\d{12}$/.test(number) || /^0{8}/.test(number)) return false;
  const state = number.slice(8, 10);
  const stateCode = Number(state);
  if (stateCode < 1 || stateCode > 28) return false;
  const spOrMg = VOTER_ID_SP_MG.has(state);

  const firstRemainder = weightedSum(number, VOTER_ID_SEQUENCE_WEIGHTS) % 11;
  const first = firstRemainder === 10 ? 0 : firstRemainder === 0 && spOrMg ? 1 : firstRemainder;
  if (Number(number[10]) !== first) return false;

  const secondRemainder = weightedSum(state + String(first), VOTER_ID_STATE_WEIGHTS) % 11;
  const accepted = secondRemainder === 10 ? [0] : secondRemainder === 0 && spOrMg ? [1, 0] : [secondRemainder];
  return accepted.includes(Number(number[11]));
}

const CNS_FULL_WEIGHTS = weightRange(15, 1);
const CNS_PIS_WEIGHTS = weightRange(15, 5);

/**
 * Cartão Nacional de Saúde (15 digits), the two routines published by the Ministério da Saúde (e-SUS AB / LEDI):
 * definitive numbers (starting with 1 or 2) are an 11-digit PIS, "000" or "001" and one check digit rebuilt from the
 * PIS; provisional numbers (starting with 7, 8 or 9) must have a weighted sum (weights 15..1) divisible by 11.
 */
export function isValidCns(number: string): boolean {
  if (!/^\d{15}$/.test(number)) return false;
  if (number[0] === '1' || number[0] === '2') return number === definitiveCns(number.slice(0, 11));
  if (number[0] === '7' || number[0] === '8' || number[0] === '9') return weightedSum(number, CNS_FULL_WEIGHTS) % 11 === 0;
  return false;
}

/** The definitive CNS the official routine builds from its 11-digit PIS prefix. */
function definitiveCns(pis: string): string {
  const sum = weightedSum(pis, CNS_PIS_WEIGHTS);
  const digit = 11 - (sum % 11);
  if (digit === 11) return `${pis}0000`;
  // A check digit of 10 cannot be written, so the routine marks the number with "001" and adds 2 to the sum.
  if (digit === 10) return `${pis}001${11 - ((sum + 2) % 11)}`;
  return `${pis}000${digit}`;
}

/** Mod-11 check digit of the certidão matrícula: weights cycle 0..10 starting at `firstWeight`; remainder 10 gives 1. */
function matriculaCheckDigit(digits: string, firstWeight: number): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += Number(digits[i]) * ((firstWeight + i) % 11);
  const remainder = sum % 11;
  return remainder === 10 ? 1 : remainder;
}

/**
 * Matrícula of a civil registry certificate (CNJ Provimento 2 and 3/2009, now Provimento 149/2023 art. 473), 32 digits:
 * serventia (6), acervo (2), service code 55 (2), year (4), book type (1), book (5), page (3), term (7), check digits (2).
 * The first check digit weighs the 30 digits 2, 3, ..., 10, 0, 1, ...; the second weighs those 31 digits 1, 2, ..., 10, 0, ...
 */
export function isValidMatricula(number: string): boolean {
  if (!/^\d{32}$/.test(number) || /^0{30}/.test(number)) return false;
  const first = matriculaCheckDigit(number.slice(0, 30), 2);
  const second = matriculaCheckDigit(number.slice(0, 30) + String(first), 1);
  return Number(number[30]) === first && Number(number[31]) === second;
}

/** Code of the civil registry of natural persons (registro civil das pessoas naturais), positions 9-10 of a matrícula. */
export const MATRICULA_CIVIL_REGISTRY_SERVICE = '55';

/**
 * Book types (position 15 of a matrícula) that hold birth registrations, per the SIRC guide: 1 = Livro A (nascimento);
 * 7 = Livro E (traslados of registrations made abroad), which may hold a birth as well as a marriage or a death.
 */
export const MATRICULA_BIRTH_BOOK_TYPES: ReadonlySet<string> = new Set(['1', '7']);

const RG_SP_WEIGHTS = weightRange(2, 9);

/**
 * RG of São Paulo (SSP-SP): 8 digits (older cards: 7, read with a leading zero) and a check digit 0-9 or X.
 * The check digit D makes sum(digit x weight 2..9, left to right) + 100 x D divisible by 11 (X stands for 10),
 * i.e. D = (11 - sum mod 11) mod 11; equivalently, weights 9..2 and D = sum mod 11.
 */
export function isValidSpRg(number: string): boolean {
  const match = /^(\d{7,8})([\dX])$/.exec(number);
  if (!match || /^(\d)\1*$/.test(match[1])) return false;
  const base = match[1].padStart(8, '0');
  const digit = (11 - (weightedSum(base, RG_SP_WEIGHTS) % 11)) % 11;
  return match[2] === (digit === 10 ? 'X' : String(digit));
}
