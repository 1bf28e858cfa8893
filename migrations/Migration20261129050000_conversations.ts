import { Migration } from '@mikro-orm/migrations';

/**
 * The conversation: persisted machine snapshots per channel conversation (optimistic concurrency through `version`),
 * channel accounts linked to citizens, one-time link codes, and files a citizen attached in the chat before
 * confirming a document.
 */
export class Migration20261129050000_conversations extends Migration {
  override up(): void {
    this.addSql(`
      create table conversations (
        channel varchar(64) not null,
        conversation_id varchar(256) not null,
        snapshot jsonb not null,
        version integer not null,
        channel_user_id varchar(256) null,
        user_id uuid null references users (id) on delete set null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (channel, conversation_id)
      )`);
    this.addSql('create index conversations_user_idx on conversations (user_id)');
    this.addSql('create index conversations_updated_idx on conversations (updated_at)');

    this.addSql(`
      create table channel_links (
        channel varchar(64) not null,
        channel_user_id varchar(256) not null,
        user_id uuid not null references users (id) on delete cascade,
        created_at timestamptz not null default now(),
        primary key (channel, channel_user_id)
      )`);
    this.addSql('create index channel_links_user_idx on channel_links (user_id)');

    this.addSql(`
      create table link_codes (
        code_hash char(64) primary key,
        user_id uuid not null references users (id) on delete cascade,
        expires_at timestamptz not null,
        used_at timestamptz null,
        created_at timestamptz not null default now()
      )`);
    this.addSql('create index link_codes_user_idx on link_codes (user_id)');

    this.addSql(`
      create table bot_staged_files (
        id uuid primary key,
        channel varchar(64) not null,
        conversation_id varchar(256) not null,
        content_type varchar(64) not null,
        file_name varchar(255) not null,
        bytes bytea not null,
        created_at timestamptz not null default now()
      )`);
    this.addSql('create index bot_staged_files_conversation_idx on bot_staged_files (channel, conversation_id)');
  }

  override down(): void {
    this.addSql('drop table bot_staged_files, link_codes, channel_links, conversations');
  }
}
