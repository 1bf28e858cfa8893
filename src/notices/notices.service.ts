import type { AccountParticipant } from '../accounts/accounts.service';
import type { Transactions, Tx } from '../db/repository';
import { findDocumentType } from '../documents/document-types';
import { todayInRio } from '../documents/expiry';
import type { Actor } from '../shared/access';
import type { Clock } from '../shared/clock';
import type { Outbox } from '../notifications/outbox';
import type { DomainEventOf } from '../shared/domain-events';
import { validChange, type NoticePreferences, type NoticePreferencesChange } from './notice-preferences';
import type { NoticesRepository } from './notices.repository';

export type { NoticePreferences, NoticePreferencesChange } from './notice-preferences';

/**
 * The notices a citizen chooses, beside the per-conversation opt-in of the chat ("ativar avisos", which says WHERE
 * notices go): WHAT they are told about. Document expiry reminders come from a scheduled job
 * ({@link NoticesService.sendExpiryReminders}); the low-balance alert is decided by the card debit's own statement.
 */
export class NoticesService implements AccountParticipant {
  constructor(
    private readonly notices: NoticesRepository,
    private readonly transactions: Transactions,
    /** The transactional outbox: each reminder recorded writes its 'document-expiring' event in the same transaction. */
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    /** Days before expiry a reminder is due, largest first (NOTIFY_EXPIRY_REMINDER_DAYS). */
    private readonly reminderDays: readonly number[],
  ) {}

  /** Days before expiry a document's reminders are sent, largest first (what the chat tells a citizen turning them on). */
  get expiryReminderDays(): readonly number[] {
    return this.reminderDays;
  }

  /** The caller's notice preferences (the defaults when they never chose). */
  async preferences(actor: Actor): Promise<NoticePreferences> {
    return this.notices.preferencesOf(actor.id);
  }

  /**
   * Changes the caller's notice preferences: `expiryReminders` (boolean) and `lowBalanceThresholdCents` (1 to
   * 100000 centavos, or null for no alert); absent fields stay. Invalid values: `validation-error` with pt-BR messages.
   */
  async update(actor: Actor, change: NoticePreferencesChange): Promise<NoticePreferences> {
    return this.notices.save(actor.id, validChange(change), this.clock.now());
  }

  /**
   * The scheduled run: records the expiry reminders due today (in Rio, by the app's clock) and, in the same
   * transaction, writes each one recorded now to the outbox, which delivers it after the commit. Recording and
   * announcing are per (document, offset) once, across runs and instances. Returns how many were sent.
   */
  async sendExpiryReminders(): Promise<number> {
    const now = this.clock.now();
    const due = await this.transactions.run(async (tx) => {
      const recorded = await this.notices.recordDueReminders(tx, todayInRio(now), [...this.reminderDays], now);
      for (const reminder of recorded) {
        await this.announceExpiring(tx, {
          type: 'document-expiring',
          ...reminder,
          documentType: findDocumentType(reminder.documentType)?.shortLabel ?? reminder.documentType,
        });
      }
      return recorded;
    });
    if (due.length > 0) this.outbox.committed();
    return due.length;
  }

  /**
   * The one emission site of expiry reminders: the event goes to the outbox in the transaction that records the
   * reminder, so a reminder recorded is always announced (even if the process dies right after the commit) and one
   * that rolls back leaves no event. Keyed by document and offset, as the reminder record is.
   */
  private announceExpiring(tx: Tx, event: DomainEventOf<'document-expiring'>): Promise<void> {
    return this.outbox.add(tx, `document-expiring:${event.documentId}:${event.daysBefore}`, event);
  }

  /** The data export: preferences, reminders sent and background jobs whose data names the citizen. */
  async exportSection(tx: Tx, userId: string): Promise<[string, unknown]> {
    return [
      'notices',
      {
        preferences: await this.notices.preferencesOf(userId, tx),
        expiryReminders: await this.notices.remindersOf(tx, userId),
        jobs: await this.notices.jobsNaming(tx, userId),
      },
    ];
  }

  /** Erasure: preferences, reminder records and job payloads naming the citizen are deleted. */
  async onErased(tx: Tx, userId: string): Promise<void> {
    await this.notices.eraseUser(tx, userId);
  }
}
