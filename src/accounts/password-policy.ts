import fs from 'node:fs';
import path from 'node:path';
import { normaliseCpf } from '../shared/cpf';

/**
 * Password rules after NIST SP 800-63B §3.1.1.2 and OWASP ASVS V6: length is what matters (8 to 128 characters,
 * spaces and any Unicode allowed), no composition rules, and a blocklist of values an attacker tries first: common
 * passwords and the citizen's own CPF, birth date and e-mail.
 */

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

const COMMON_PASSWORDS_FILE = 'common-passwords.txt';
/**
 * Where the list may be: next to this module (sources under ts-node/jest, or dist/ when the build copies it), or back
 * in src/ when running from dist/src/accounts/ and the build did not copy it.
 */
const COMMON_PASSWORDS_CANDIDATES = [
  path.join(__dirname, COMMON_PASSWORDS_FILE),
  path.join(__dirname, '..', '..', '..', 'src', 'accounts', COMMON_PASSWORDS_FILE),
];

let commonPasswords: ReadonlySet<string> | undefined;

/**
 * The shipped list of common passwords (lower-case), read once on first use. Throws when the file is missing, so a
 * broken build fails loudly instead of accepting every password; call it at start-up to fail fast.
 */
export function loadCommonPasswords(): ReadonlySet<string> {
  if (commonPasswords) return commonPasswords;
  const file = COMMON_PASSWORDS_CANDIDATES.find((candidate) => fs.existsSync(candidate));
  if (!file) throw new Error(`${COMMON_PASSWORDS_FILE} not found; looked in: ${COMMON_PASSWORDS_CANDIDATES.join(', ')}`);
  const entries = fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line !== '');
  commonPasswords = new Set(entries);
  return commonPasswords;
}

/** Context the password must not contain: the citizen's own data, the first things an attacker who knows them tries. */
export interface PasswordContext {
  /** CPF with or without punctuation. */
  cpf?: string;
  /** Birth date as `YYYY-MM-DD`. */
  birthDate?: string;
  email?: string;
}

/** The password with the separators people put in dates and documents removed ("12/03/1990" -> "12031990"). */
function withoutSeparators(password: string): string {
  return password.replace(/[\s./\\_-]/g, '');
}

/**
 * The ways a birth date is commonly written, without separators: day first as Brazilians write it, year first as
 * ISO does, month first as American sites ask, with 4- and 2-digit years, and without leading zeros.
 */
function birthDateForms(isoDate: string): string[] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return [];
  const [, yyyy, mm, dd] = match;
  const yy = yyyy.slice(2);
  const d = String(Number(dd));
  const m = String(Number(mm));
  return [
    ...new Set([
      `${yyyy}${mm}${dd}`,
      `${dd}${mm}${yyyy}`,
      `${mm}${dd}${yyyy}`,
      `${dd}${mm}${yy}`,
      `${yy}${mm}${dd}`,
      `${d}${m}${yyyy}`,
    ]),
  ];
}

/**
 * True when the whole password is one character repeated ("aaaaaaaa") or a run of consecutive characters
 * ("12345678", "abcdefgh", "87654321"): NIST lists both as values to refuse.
 */
function isRepetitionOrSequence(password: string): boolean {
  const codePoints = [...password.toLowerCase()].map((character) => character.codePointAt(0) as number);
  const step = codePoints[1] - codePoints[0];
  if (Math.abs(step) > 1) return false;
  return codePoints.every((codePoint, index) => index === 0 || codePoint - codePoints[index - 1] === step);
}

/**
 * Checks a new password against the policy; returns the pt-BR message for the first rule it breaks, or null.
 * Length counts Unicode code points after NFKC normalisation, the form the password is hashed in.
 */
export function checkPassword(password: string, context: PasswordContext = {}): string | null {
  const normalised = password.normalize('NFKC');
  const length = [...normalised].length;
  if (length === 0) return 'Informe a senha.';
  if (length < PASSWORD_MIN_LENGTH) return `A senha deve ter pelo menos ${PASSWORD_MIN_LENGTH} caracteres.`;
  if (length > PASSWORD_MAX_LENGTH) return `A senha deve ter no máximo ${PASSWORD_MAX_LENGTH} caracteres.`;

  const lowerCase = normalised.toLowerCase();
  if (loadCommonPasswords().has(lowerCase)) {
    return 'Essa senha é muito comum e fácil de adivinhar. Escolha outra, de preferência uma frase.';
  }
  if (isRepetitionOrSequence(normalised)) {
    return 'A senha não pode ser uma sequência (como 12345678) nem um mesmo caractere repetido.';
  }

  const compact = withoutSeparators(lowerCase);
  const cpf = context.cpf === undefined ? '' : normaliseCpf(context.cpf);
  if (/^\d{11}$/.test(cpf) && compact.includes(cpf)) return 'A senha não pode conter o seu CPF.';

  if (context.birthDate !== undefined && birthDateForms(context.birthDate).some((form) => compact.includes(form))) {
    return 'A senha não pode conter a sua data de nascimento.';
  }

  const email = context.email?.trim().toLowerCase() ?? '';
  const at = email.lastIndexOf('@');
  // The local part is usually the citizen's name ("maria.silva" -> "mariasilva2024"); one or two characters
  // ("a@x.com") would match by chance, so those only count as the whole address.
  const localPart = withoutSeparators(at > 0 ? email.slice(0, at) : email);
  if (email !== '' && (lowerCase.includes(email) || (localPart.length >= 3 && compact.includes(localPart)))) {
    return 'A senha não pode conter o seu e-mail.';
  }
  return null;
}
