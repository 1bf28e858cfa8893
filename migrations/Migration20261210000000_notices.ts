import { Migration } from '@mikro-orm/migrations';

/**
 * Notices a citizen chooses: document expiry reminders (on by default, can be turned off) and a low-balance alert (off
 * until the citizen picks a threshold). `document_expiry_reminders` records each reminder sent, unique per document and
 * offset, so a reminder is sent once whatever the number of instances or runs.
 */
export class Migration20261210000000_notices extends Migration {
  override up(): void {
    this.addSql(`
      create table notification_preferences (
        user_id uuid primary key references users (id) on delete cascade,
        expiry_reminders boolean not null default true,
        low_balance_threshold_cents bigint null check (low_balance_threshold_cents > 0),
        updated_at timestamptz not null default now()
      )`);
    this.addSql(`
      create table document_expiry_reminders (
        document_id uuid not null references documents (id) on delete cascade,
        days_before int not null,
        user_id uuid not null references users (id) on delete cascade,
        expires_on date not null,
        sent_at timestamptz not null,
        primary key (document_id, days_before)
      )`);
    this.addSql('create index document_expiry_reminders_user_idx on document_expiry_reminders (user_id)');
  }

  override down(): void {
    this.addSql('drop table document_expiry_reminders');
    this.addSql('drop table notification_preferences');
  }
}
