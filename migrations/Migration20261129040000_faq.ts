import { raw } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import { FAQ_SEED_ENTRIES } from '../src/faq/seed-entries';
import { newId } from '../src/shared/ids';

/**
 * The FAQ knowledge base, seeded with the entries of src/faq/seed-entries.ts, plus the revision counter app instances
 * poll to know when their in-memory search index is stale, and the fixed-window counters of the shared rate limiter.
 */
export class Migration20261129040000_faq extends Migration {
  override up(): void {
    this.addSql(`
      create table faq_entries (
        id uuid primary key,
        slug varchar(80) not null,
        question varchar(300) not null,
        answer varchar(4000) not null,
        alternatives jsonb not null default '[]'::jsonb check (jsonb_typeof(alternatives) = 'array'),
        tags jsonb not null default '[]'::jsonb check (jsonb_typeof(tags) = 'array'),
        active boolean not null default true,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    // Uniqueness is the database's decision, so two admins creating the same slug at once cannot both win.
    this.addSql('create unique index faq_entries_slug_key on faq_entries (slug)');

    // One row, bumped in the same transaction as every change to faq_entries: an instance compares it with the
    // revision its index was built from (one primary-key read) and reloads the base only when it moved.
    this.addSql(`
      create table faq_revision (
        singleton boolean primary key default true check (singleton),
        revision bigint not null
      )`);
    this.addSql('insert into faq_revision (singleton, revision) values (true, 1)');

    // Hits per key and window for src/shared/rate-limiter.ts; the index serves the purge of past windows.
    this.addSql(`
      create table rate_limit_windows (
        key varchar(300) not null,
        window_start timestamptz not null,
        count integer not null,
        primary key (key, window_start)
      )`);
    this.addSql('create index rate_limit_windows_start_idx on rate_limit_windows (window_start)');

    // Ids are generated here in code (PostgreSQL 15 has no uuidv7()); in seed order, so listing by id keeps that order.
    for (const entry of FAQ_SEED_ENTRIES) {
      this.addSql(
        raw(
          `insert into faq_entries (id, slug, question, answer, alternatives, tags)
           values (?, ?, ?, ?, ?::jsonb, ?::jsonb)`,
          [newId(), entry.slug, entry.question, entry.answer, JSON.stringify(entry.alternatives), JSON.stringify(entry.tags)],
        ),
      );
    }
  }

  override down(): void {
    this.addSql('drop table rate_limit_windows, faq_revision, faq_entries');
  }
}
