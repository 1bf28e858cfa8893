/**
 * Money is integer centavos everywhere; this is the one place it becomes text for citizens: `R$ 1.234,56`.
 * Formatted by hand (not Intl) so the output never depends on the ICU data a runtime ships with.
 */
export function formatBrl(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(cents));
  const reais = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${sign}R$ ${reais},${String(abs % 100).padStart(2, '0')}`;
}
