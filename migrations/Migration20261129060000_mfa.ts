import { Migration } from '@mikro-orm/migrations';

/**
 * Two-factor authentication (TOTP, RFC 6238). One row per citizen who started or finished enrolment: the secrets are
 * AES-256-GCM ciphertexts (never plaintext), and `last_step` is the last accepted time step, which makes every code
 * single-use. Recovery codes are stored as keyed HMACs and spent by setting `used_at`.
 */
export class Migration20261129060000_mfa extends Migration {
  override up(): void {
    this.addSql(`
      create table user_mfa (
        user_id uuid primary key references users (id) on delete cascade,
        totp_secret bytea null,
        pending_secret bytea null,
        pending_started_at timestamptz null,
        enabled_at timestamptz null,
        last_step bigint not null default 0,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint user_mfa_enabled_has_secret check (enabled_at is null or totp_secret is not null)
      )`);

    this.addSql(`
      create table mfa_recovery_codes (
        id uuid primary key,
        user_id uuid not null references users (id) on delete cascade,
        code_hash char(64) not null,
        used_at timestamptz null,
        created_at timestamptz not null default now(),
        constraint mfa_recovery_codes_user_hash_key unique (user_id, code_hash)
      )`);
  }

  override down(): void {
    this.addSql('drop table mfa_recovery_codes, user_mfa');
  }
}
