import { Migration } from '@mikro-orm/migrations';

/**
 * Accounts and sessions: users, refresh-token families, password resets, sign-in throttling, and the minimal
 * transport card every citizen receives at registration (the transport capability extends it).
 */
export class Migration20261129010000_accounts extends Migration {
  override up(): void {
    this.addSql(`
      create table users (
        id uuid primary key,
        full_name varchar(120) not null,
        email varchar(254) null,
        cpf char(11) null,
        birth_date date null,
        phone varchar(11) null,
        password_hash text null,
        role varchar(16) not null default 'citizen' check (role in ('citizen', 'admin')),
        status varchar(16) not null default 'active' check (status in ('active', 'erased')),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        erased_at timestamptz null
      )`);
    // Uniqueness is the database's decision: two concurrent registrations cannot both win.
    this.addSql('create unique index users_email_key on users (lower(email)) where email is not null');
    this.addSql('create unique index users_cpf_key on users (cpf) where cpf is not null');

    this.addSql(`
      create table refresh_tokens (
        id uuid primary key,
        user_id uuid not null references users (id) on delete cascade,
        family_id uuid not null,
        token_hash char(64) not null unique,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        used_at timestamptz null,
        revoked_at timestamptz null
      )`);
    this.addSql('create index refresh_tokens_family_idx on refresh_tokens (family_id)');
    this.addSql('create index refresh_tokens_user_idx on refresh_tokens (user_id)');

    this.addSql(`
      create table password_reset_tokens (
        id uuid primary key,
        user_id uuid not null references users (id) on delete cascade,
        token_hash char(64) not null unique,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        used_at timestamptz null
      )`);
    this.addSql('create index password_reset_tokens_user_idx on password_reset_tokens (user_id)');

    this.addSql(`
      create table throttles (
        key varchar(300) primary key,
        failures integer not null,
        locked_until timestamptz null,
        updated_at timestamptz not null default now()
      )`);

    this.addSql(`
      create table transport_cards (
        id uuid primary key,
        user_id uuid not null references users (id),
        number char(16) not null unique,
        status varchar(16) not null default 'active' check (status in ('active', 'blocked', 'cancelled')),
        balance_cents bigint not null default 0 check (balance_cents >= 0),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    this.addSql('create index transport_cards_user_idx on transport_cards (user_id, id)');
  }

  override down(): void {
    this.addSql('drop table transport_cards, throttles, password_reset_tokens, refresh_tokens, users');
  }
}
