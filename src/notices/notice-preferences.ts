import { validationError, type FieldError } from '../shared/errors';
import { formatBrl } from '../transport/money';

/** What a citizen chose to be told about. */
export interface NoticePreferences {
  /** Reminders before a saved document expires (30, 7 and 1 days before, by default). On unless turned off. */
  expiryReminders: boolean;
  /** Alert when a debit takes a card's balance below this many centavos; null: no alert. */
  lowBalanceThresholdCents: number | null;
}

/** A change of preferences: absent fields stay as they are; `lowBalanceThresholdCents: null` turns the alert off. */
export interface NoticePreferencesChange {
  expiryReminders?: unknown;
  lowBalanceThresholdCents?: unknown;
}

/**
 * The notice a citizen means by "desliga esse aviso" without naming it: the only one they have on. Null when none or
 * both are on (then they are shown their choices to say which).
 */
export function onlyNoticeOn(preferences: NoticePreferences): 'expiry' | 'low-balance' | null {
  const lowBalance = preferences.lowBalanceThresholdCents !== null;
  if (preferences.expiryReminders === lowBalance) return null;
  return lowBalance ? 'low-balance' : 'expiry';
}

/** The largest threshold accepted: R$ 1.000,00 (above any balance cap a card is likely to have). */
export const MAX_THRESHOLD_CENTS = 100_000;

/** A change once validated: only the fields to change. */
export type ValidChange = Partial<NoticePreferences>;

/** Validates a change, or throws a validation error (pt-BR) naming every bad field. */
export function validChange(change: NoticePreferencesChange): ValidChange {
  const errors: FieldError[] = [];
  const next: ValidChange = {};
  if (change.expiryReminders !== undefined) {
    if (typeof change.expiryReminders === 'boolean') next.expiryReminders = change.expiryReminders;
    else
      errors.push({
        field: 'expiryReminders',
        message: 'Use true para receber lembretes de vencimento ou false para não receber.',
      });
  }
  if (change.lowBalanceThresholdCents !== undefined) {
    const value = change.lowBalanceThresholdCents;
    if (value === null) next.lowBalanceThresholdCents = null;
    else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= MAX_THRESHOLD_CENTS) {
      next.lowBalanceThresholdCents = value;
    } else {
      errors.push({
        field: 'lowBalanceThresholdCents',
        message: `O limite do aviso de saldo baixo deve ser um número inteiro de centavos entre 1 e ${MAX_THRESHOLD_CENTS} (${formatBrl(MAX_THRESHOLD_CENTS)}), ou null para desligar.`,
      });
    }
  }
  if (errors.length > 0) throw validationError(errors);
  return next;
}
