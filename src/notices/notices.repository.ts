import { Repository, isoOf, type Tx } from '../db/repository';
import { JOBS_SCHEMA } from '../jobs/jobs.repository';
import type { NoticePreferences, ValidChange } from './notice-preferences';

/** A reminder recorded by a run: the row inserted now, with what the notice needs. */
export interface DueReminder {
  userId: string;
  documentId: string;
  documentType: string;
  expiresOn: string;
  daysBefore: number;
}

/** Preferences of a citizen who never chose: expiry reminders on, no low-balance alert. */
export const DEFAULT_PREFERENCES: NoticePreferences = { expiryReminders: true, lowBalanceThresholdCents: null };

/** `YYYY-MM-DD` of a `date` column (drivers hand it as text or as a Date at UTC midnight). */
function dateOf(value: unknown): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
}

/**
 * The citizen's notice preferences (`notification_preferences`) and the reminders sent (`document_expiry_reminders`).
 * The low-balance threshold is read by the card debit's own statement (CardsRepository), never here.
 */
export class NoticesRepository extends Repository {
  /** The citizen's preferences, or the defaults when they never chose. */
  async preferencesOf(userId: string, tx?: Tx): Promise<NoticePreferences> {
    const row = await this.row(
      'select expiry_reminders, low_balance_threshold_cents from notification_preferences where user_id = ?',
      [userId],
      tx,
    );
    if (!row) return { ...DEFAULT_PREFERENCES };
    return {
      expiryReminders: Boolean(row.expiry_reminders),
      lowBalanceThresholdCents: row.low_balance_threshold_cents === null ? null : Number(row.low_balance_threshold_cents),
    };
  }

  /**
   * Changes the fields of `change` and returns the preferences as stored, in one statement: the first change inserts
   * the row (the defaults for the other fields), a later one updates only its fields, so two concurrent changes of
   * different fields both stay.
   */
  async save(userId: string, change: ValidChange, at: Date): Promise<NoticePreferences> {
    const setsExpiry = change.expiryReminders !== undefined;
    const setsThreshold = change.lowBalanceThresholdCents !== undefined;
    const expiry = change.expiryReminders ?? DEFAULT_PREFERENCES.expiryReminders;
    const threshold = change.lowBalanceThresholdCents ?? null;
    const row = await this.row(
      `insert into notification_preferences (user_id, expiry_reminders, low_balance_threshold_cents, updated_at)
       values (?, ?, ?, ?)
       on conflict (user_id) do update
          set expiry_reminders = case when ?::boolean then excluded.expiry_reminders
                                      else notification_preferences.expiry_reminders end,
              low_balance_threshold_cents = case when ?::boolean then excluded.low_balance_threshold_cents
                                                 else notification_preferences.low_balance_threshold_cents end,
              updated_at = excluded.updated_at
       returning expiry_reminders, low_balance_threshold_cents`,
      [userId, expiry, threshold, at.toISOString(), setsExpiry, setsThreshold],
    );
    return {
      expiryReminders: Boolean(row!.expiry_reminders),
      lowBalanceThresholdCents: row!.low_balance_threshold_cents === null ? null : Number(row!.low_balance_threshold_cents),
    };
  }

  /**
   * Records the reminders due on `today` and returns the ones recorded now. A document expiring in `r` days (0 <= r <=
   * the largest offset) is due the smallest offset >= r: 30 days before, then 7, then 1, and a document saved 5 days
   * before its expiry gets the 7-day one at once; a day the job did not run is caught up the next. The primary key
   * (document, offset) makes each reminder be recorded once, whatever the number of instances or runs: a concurrent
   * run's insert of the same row does nothing. Citizens who turned reminders off, and erased accounts, get none.
   */
  async recordDueReminders(tx: Tx, today: string, offsets: number[], at: Date): Promise<DueReminder[]> {
    const rows = await this.rows(
      `with offsets as (select unnest(string_to_array(?, ',')::int[]) as d),
       due as (
         select doc.id, doc.user_id, doc.expires_at,
                (select min(o.d) from offsets o where o.d >= doc.expires_at - ?::date) as days_before
           from documents doc
           join users u on u.id = doc.user_id and u.status = 'active'
           left join notification_preferences p on p.user_id = doc.user_id
          where doc.expires_at between ?::date and ?::date + (select max(d) from offsets)
            and coalesce(p.expiry_reminders, true)
       ),
       recorded as (
         insert into document_expiry_reminders (document_id, days_before, user_id, expires_on, sent_at)
         select id, days_before, user_id, expires_at, ?::timestamptz from due
         on conflict (document_id, days_before) do nothing
         returning document_id, days_before, user_id, expires_on
       )
       select r.document_id, r.days_before, r.user_id, r.expires_on, d.type
         from recorded r join documents d on d.id = r.document_id
        order by r.user_id, r.document_id`,
      [offsets.join(','), today, today, today, at.toISOString()],
      tx,
    );
    return rows.map((row) => ({
      userId: String(row.user_id),
      documentId: String(row.document_id),
      documentType: String(row.type),
      expiresOn: dateOf(row.expires_on),
      daysBefore: Number(row.days_before),
    }));
  }

  /** The reminders sent to the citizen, oldest first (the data export). */
  async remindersOf(
    tx: Tx,
    userId: string,
  ): Promise<Array<{ documentId: string; daysBefore: number; expiresOn: string; sentAt: string }>> {
    const rows = await this.rows(
      `select document_id, days_before, expires_on, sent_at from document_expiry_reminders
        where user_id = ? order by sent_at, document_id, days_before`,
      [userId],
      tx,
    );
    return rows.map((row) => ({
      documentId: String(row.document_id),
      daysBefore: Number(row.days_before),
      expiresOn: dateOf(row.expires_on),
      sentAt: isoOf(row.sent_at),
    }));
  }

  /**
   * Background jobs whose data names the citizen (`userId`), in any state, oldest first. pg-boss's tables are read in
   * the caller's transaction; a database where they were never installed has none.
   */
  async jobsNaming(tx: Tx, userId: string): Promise<Array<{ queue: string; state: string; createdAt: string; data: unknown }>> {
    if (!(await this.hasJobsTable(tx))) return [];
    const rows = await this.rows(
      `select name, state, created_on, data from ${JOBS_SCHEMA}.job where data->>'userId' = ? order by created_on, id`,
      [userId],
      tx,
    );
    return rows.map((row) => ({
      queue: String(row.name),
      state: String(row.state),
      createdAt: isoOf(row.created_on),
      data: typeof row.data === 'string' ? (JSON.parse(row.data) as unknown) : row.data,
    }));
  }

  /** Erasure: the citizen's preferences, reminder records and the jobs whose data names them. */
  async eraseUser(tx: Tx, userId: string): Promise<void> {
    await this.run('delete from notification_preferences where user_id = ?', [userId], tx);
    await this.run('delete from document_expiry_reminders where user_id = ?', [userId], tx);
    if (await this.hasJobsTable(tx)) {
      await this.run(`delete from ${JOBS_SCHEMA}.job where data->>'userId' = ?`, [userId], tx);
    }
  }

  private async hasJobsTable(tx: Tx): Promise<boolean> {
    const row = await this.row<{ t: string | null }>(`select to_regclass('${JOBS_SCHEMA}.job')::text as t`, [], tx);
    return row?.t !== null && row?.t !== undefined;
  }
}
