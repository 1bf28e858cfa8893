import { Migration } from '@mikro-orm/migrations';

/**
 * Sign-in with Google and Meta: provider identities linked to citizens by (provider, subject), and the short-lived
 * signup tickets that let a first social sign-in complete its registration. Tickets are stored as hashes only.
 */
export class Migration20261129070000_identities extends Migration {
  override up(): void {
    this.addSql(`
      create table user_identities (
        id uuid primary key,
        user_id uuid not null references users (id) on delete cascade,
        provider varchar(16) not null check (provider in ('google', 'meta')),
        subject varchar(255) not null,
        email varchar(254) null,
        created_at timestamptz not null default now(),
        constraint user_identities_provider_subject_key unique (provider, subject),
        constraint user_identities_user_provider_key unique (user_id, provider)
      )`);

    this.addSql(`
      create table signup_tickets (
        hash char(64) primary key,
        provider varchar(16) not null check (provider in ('google', 'meta')),
        subject varchar(255) not null,
        email varchar(254) null,
        email_verified boolean not null,
        expires_at timestamptz not null,
        used_at timestamptz null,
        created_at timestamptz not null default now()
      )`);
    this.addSql('create index signup_tickets_expires_idx on signup_tickets (expires_at)');
  }

  override down(): void {
    this.addSql('drop table signup_tickets, user_identities');
  }
}
