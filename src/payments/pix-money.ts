/** API Pix amounts are decimal strings with two places ("10.00"); the app's money is integer centavos. */
const VALOR = /^(\d{1,10})\.(\d{2})$/;

/** 1050 -> "10.50". */
export function valorOf(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** "10.50" -> 1050; null when the text is not an API Pix amount. */
export function centsOf(valor: unknown): number | null {
  if (typeof valor !== 'string') return null;
  const match = VALOR.exec(valor);
  return match ? Number(match[1]) * 100 + Number(match[2]) : null;
}
