import { Migration } from '@mikro-orm/migrations';

/**
 * Sessions that really end (issue 15): access tokens are checked against their session on every request, accounts
 * can be suspended, e-mail changes can be undone from the old address, and sign-in throttling keys no longer hold
 * personal data.
 */
export class Migration20261205010000_session_security extends Migration {
  override up(): void {
    // The bearer token's check looks for a live token of the session: this index holds only those, so an ended
    // session (all its tokens revoked) costs one empty probe however long its history.
    this.addSql('create index refresh_tokens_live_family_idx on refresh_tokens (family_id) where revoked_at is null');

    this.addSql('alter table users drop constraint users_status_check');
    this.addSql(`alter table users add constraint users_status_check check (status in ('active', 'suspended', 'erased'))`);

    this.addSql(`
      create table email_change_undo_tokens (
        id uuid primary key,
        user_id uuid not null references users (id) on delete cascade,
        token_hash char(64) not null unique,
        previous_email varchar(254) not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        used_at timestamptz null
      )`);
    this.addSql('create index email_change_undo_tokens_user_idx on email_change_undo_tokens (user_id)');

    // Sign-in and recovery counters were keyed by the CPF or e-mail typed; the new keys are account ids and hashes.
    // The old rows are short-lived counters: dropping them forgets at most a few minutes of failures.
    this.addSql(`delete from throttles where key like 'login:%' or key like 'forgot:%'`);
  }

  override down(): void {
    this.addSql('drop table email_change_undo_tokens');
    this.addSql(`update users set status = 'active' where status = 'suspended'`);
    this.addSql('alter table users drop constraint users_status_check');
    this.addSql(`alter table users add constraint users_status_check check (status in ('active', 'erased'))`);
    this.addSql('drop index refresh_tokens_live_family_idx');
  }
}
