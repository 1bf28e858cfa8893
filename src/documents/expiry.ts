/** Document validity relative to the calendar day in Rio de Janeiro (America/Sao_Paulo, the city's time zone). */

export const DOCUMENT_STATUSES = ['valid', 'expiring', 'expired'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/** A document is "expiring" from this many days before its expiry date up to that date, inclusive. */
export const EXPIRING_WINDOW_DAYS = 30;

/** pt-BR labels, shared by the API, the verification page and the bot. */
export const DOCUMENT_STATUS_LABELS: Readonly<Record<DocumentStatus, string>> = {
  valid: 'Válido',
  expiring: `Vence em até ${EXPIRING_WINDOW_DAYS} dias`,
  expired: 'Vencido',
};

const RIO_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Sao_Paulo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today's date (`YYYY-MM-DD`) in Rio: after 21:00 UTC it is still "yesterday" there. */
export function todayInRio(now: Date): string {
  return RIO_DAY.format(now);
}

/** `YYYY-MM-DD` plus (or minus) whole days, computed on the calendar, never through local time. */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** Valid until the expiry date inclusive; "expiring" within the window; a document with no expiry date stays valid. */
export function documentStatus(expiresAt: string | null | undefined, today: string): DocumentStatus {
  if (!expiresAt) return 'valid';
  if (expiresAt < today) return 'expired';
  return expiresAt <= addDays(today, EXPIRING_WINDOW_DAYS) ? 'expiring' : 'valid';
}

/** True for a real calendar date written `YYYY-MM-DD` between 1900 and 2199. */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1900 || year > 2199) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
