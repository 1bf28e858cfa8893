/**
 * Field rules for a citizen's registration and profile: pure functions, no I/O.
 * Each `validate*` returns the pt-BR message to show for the field, or null when the value is acceptable.
 * Validators accept the raw input and normalise it themselves, so callers validate and store the same
 * `normalise*` result. CPF rules live in src/shared/cpf.ts.
 */

const FULL_NAME_MIN_LENGTH = 2;
const FULL_NAME_MAX_LENGTH = 120;
const EMAIL_MAX_LENGTH = 254;
const EMAIL_LOCAL_PART_MAX_LENGTH = 64;

/** One word of a name: letters (any script, with combining accents), joined by apostrophes or hyphens ("D'Ávila", "Ana-Maria"). */
const NAME_WORD = /^[\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*$/u;

/** Collapses runs of whitespace into one space and trims, in NFC so "é" typed two ways is stored one way. */
export function normaliseFullName(name: string): string {
  return name.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/** The full name must have at least two words of letters (accents, apostrophes and hyphens allowed) and no digits. */
export function validateFullName(name: string): string | null {
  const value = normaliseFullName(name);
  if (value === '') return 'Informe o nome completo.';
  const length = [...value].length;
  if (length < FULL_NAME_MIN_LENGTH) return `O nome deve ter pelo menos ${FULL_NAME_MIN_LENGTH} caracteres.`;
  if (length > FULL_NAME_MAX_LENGTH) return `O nome deve ter no máximo ${FULL_NAME_MAX_LENGTH} caracteres.`;
  if (/\p{N}/u.test(value)) return 'O nome não pode conter números.';
  const words = value.split(' ');
  if (!words.every((word) => NAME_WORD.test(word))) {
    return 'O nome deve conter apenas letras, espaços, apóstrofos e hífens.';
  }
  if (words.length < 2) return 'Informe o nome completo (nome e sobrenome).';
  return null;
}

/** Trims and lower-cases an e-mail address: e-mails are unique case-insensitively, so they are stored this way. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** RFC 5322 `atext`: the characters allowed unquoted in the local part. */
const EMAIL_LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
/** An LDH hostname label (letters, digits, hyphens; no hyphen at either end), 1 to 63 characters. */
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Top-level domains are alphabetic, or an internationalised one in its punycode form. */
const TOP_LEVEL_DOMAIN = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * A practical subset of RFC 5322: a dot-atom local part (no quoted strings, no comments) and a public hostname with
 * at least one dot (no IP literals), at most 254 characters in all. Real mail systems reject the rest anyway.
 */
export function validateEmail(email: string): string | null {
  const value = normaliseEmail(email);
  if (value === '') return 'Informe o e-mail.';
  if (value.length > EMAIL_MAX_LENGTH) return `O e-mail deve ter no máximo ${EMAIL_MAX_LENGTH} caracteres.`;
  const invalid = 'E-mail inválido: confira o endereço (exemplo: nome@dominio.com.br).';
  const at = value.lastIndexOf('@');
  if (at <= 0) return invalid;
  const localPart = value.slice(0, at);
  const labels = value.slice(at + 1).split('.');
  if (localPart.length > EMAIL_LOCAL_PART_MAX_LENGTH || !EMAIL_LOCAL_PART.test(localPart)) return invalid;
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label))) return invalid;
  if (!TOP_LEVEL_DOMAIN.test(labels[labels.length - 1])) return invalid;
  return null;
}

/**
 * Removes phone formatting (spaces, parentheses, hyphens, dots, "+"), the trunk prefix "0" ("021 ...") and the country
 * code 55 ("+55 21 ..."), giving DDD + number as digits. Any other character is kept, so validatePhone rejects it
 * instead of a stray letter silently disappearing.
 */
export function normalisePhone(phone: string): string {
  let value = phone.replace(/[\s().+-]/g, '');
  // A 12-13 digit number can only be 55 + DDD + number: with the DDD alone it has 10-11 digits.
  if (/^55\d{10,11}$/.test(value)) value = value.slice(2);
  // No DDD starts with 0, so a leading 0 is the long-distance trunk prefix.
  if (/^0\d{10,11}$/.test(value)) value = value.slice(1);
  return value;
}

/** Brazilian area codes (DDD) in use, by state, from Anatel's numbering plan. */
const AREA_CODES_BY_STATE: Readonly<Record<string, string>> = {
  AC: '68',
  AL: '82',
  AM: '92 97',
  AP: '96',
  BA: '71 73 74 75 77',
  CE: '85 88',
  DF: '61',
  ES: '27 28',
  GO: '62 64',
  MA: '98 99',
  MG: '31 32 33 34 35 37 38',
  MS: '67',
  MT: '65 66',
  PA: '91 93 94',
  PB: '83',
  PE: '81 87',
  PI: '86 89',
  PR: '41 42 43 44 45 46',
  RJ: '21 22 24',
  RN: '84',
  RO: '69',
  RR: '95',
  RS: '51 53 54 55',
  SC: '47 48 49',
  SE: '79',
  SP: '11 12 13 14 15 16 17 18 19',
  TO: '63',
};

/** The 67 Brazilian area codes (DDD). */
export const BRAZILIAN_AREA_CODES: ReadonlySet<string> = new Set(
  Object.values(AREA_CODES_BY_STATE).flatMap((codes) => codes.split(' ')),
);

/**
 * A Brazilian phone with DDD: 10 digits for a landline (number starting with 2 to 5) or 11 for a mobile (number
 * starting with 9, mandatory nationwide since 2016). Formatting and +55 are accepted (see normalisePhone).
 */
export function validatePhone(phone: string): string | null {
  const value = normalisePhone(phone);
  if (value === '') return 'Informe o telefone com DDD.';
  if (!/^\d+$/.test(value)) return 'Telefone inválido: use apenas números, com o DDD (exemplo: (21) 99876-5432).';
  if (value.length !== 10 && value.length !== 11) return 'Telefone inválido: informe o DDD e o número (10 ou 11 dígitos).';
  if (!BRAZILIAN_AREA_CODES.has(value.slice(0, 2))) return `DDD ${value.slice(0, 2)} inválido.`;
  if (value.length === 11 && value[2] !== '9') return 'Celular inválido: o número deve começar com 9 depois do DDD.';
  if (value.length === 10 && !/[2-5]/.test(value[2])) {
    return 'Telefone inválido: número fixo começa com 2, 3, 4 ou 5; celular tem 9 dígitos e começa com 9.';
  }
  return null;
}

const BIRTH_DATE_MINIMUM = '1900-01-01';
const MAXIMUM_AGE_YEARS = 130;

/**
 * Today's calendar date in Rio de Janeiro as `YYYY-MM-DD`. A birth date has no time zone, so "in the past" is judged
 * by the citizen's calendar, not by UTC (which is already tomorrow from 21:00 in Rio).
 */
function calendarDateInRio(instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'America/Sao_Paulo',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

/** True when `YYYY-MM-DD` names a day that exists (no 2023-02-29, no 2024-04-31). */
function isRealCalendarDate(isoDate: string): boolean {
  const [year, month, day] = isoDate.split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC maps years 0-99 to 1900-1999, so the year is checked on the value actually built.
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * A birth date as `YYYY-MM-DD`: a real calendar date, before today (in Rio), not before 1900-01-01, and an age of at
 * most 130 years. `today` is injected so the rule is testable and the caller's clock is the only clock.
 */
export function validateBirthDate(isoDate: string, today: Date): string | null {
  if (isoDate.trim() === '') return 'Informe a data de nascimento.';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) return 'Data de nascimento inválida: use o formato AAAA-MM-DD.';
  if (!isRealCalendarDate(isoDate)) return 'Data de nascimento inválida: esse dia não existe no calendário.';
  const todayInRio = calendarDateInRio(today);
  // Fixed-width ISO dates compare correctly as strings.
  if (isoDate >= todayInRio) return 'A data de nascimento deve estar no passado.';
  if (isoDate < BIRTH_DATE_MINIMUM) return 'A data de nascimento não pode ser anterior a 01/01/1900.';
  // Whoever was born on or before this day 131 years ago is at least 131 today. Kept as a string so that 29 February
  // minus 131 years still compares correctly even though that year has no such day.
  const turns131Today = `${String(Number(todayInRio.slice(0, 4)) - MAXIMUM_AGE_YEARS - 1).padStart(4, '0')}${todayInRio.slice(4)}`;
  if (isoDate <= turns131Today) return `Data de nascimento implausível: a idade máxima é de ${MAXIMUM_AGE_YEARS} anos.`;
  return null;
}
