/** Keeps only the digits of a CPF typed with or without punctuation ("123.456.789-09" -> "12345678909"). */
export function normaliseCpf(value: string): string {
  return value.replace(/[\s.\-/]/g, '');
}

/** Check digit for the first `length` digits using the CPF weights (length+1 down to 2). */
function cpfCheckDigit(digits: string, length: number): number {
  let sum = 0;
  for (let i = 0; i < length; i++) sum += Number(digits[i]) * (length + 1 - i);
  const rest = (sum * 10) % 11;
  return rest === 10 ? 0 : rest;
}

/** The CPF whose first nine digits are `base` (nine digits), with its two check digits. */
export function cpfWithCheckDigits(base: string): string {
  const first = `${base}${cpfCheckDigit(base, 9)}`;
  return `${first}${cpfCheckDigit(first, 10)}`;
}

/** True for an 11-digit CPF whose two check digits are right and that is not one digit repeated. */
export function isValidCpf(value: string): boolean {
  const digits = normaliseCpf(value);
  if (!/^\d{11}$/.test(digits) || /^(\d)\1{10}$/.test(digits)) return false;
  return cpfCheckDigit(digits, 9) === Number(digits[9]) && cpfCheckDigit(digits, 10) === Number(digits[10]);
}

/** "12345678909" -> "123.456.789-09". */
export function formatCpf(digits: string): string {
  return digits.replace(/^(\d{3})(\d{3})(\d{3})(\d{2})$/, '$1.$2.$3-$4');
}

/** "12345678909" -> "***.456.789-**", the masking the Brazilian government uses on public pages. */
export function maskCpf(digits: string): string {
  return digits.replace(/^\d{3}(\d{3})(\d{3})\d{2}$/, '***.$1.$2-**');
}
