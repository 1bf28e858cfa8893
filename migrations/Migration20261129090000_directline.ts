import { Migration } from '@mikro-orm/migrations';

/**
 * The app's own Direct Line: conversations (who is in them, the next activity number) and their activities, in the
 * database so that any instance can answer any poll. Activities are numbered per conversation; the number is the
 * Direct Line watermark. Idle conversations are purged with their activities (retention).
 */
export class Migration20261129090000_directline extends Migration {
  override up(): void {
    this.addSql(`
      create table directline_conversations (
        id varchar(64) primary key,
        user_id varchar(64) not null,
        citizen_id uuid null references users (id) on delete cascade,
        last_seq bigint not null default 0,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    this.addSql('create index directline_conversations_updated_idx on directline_conversations (updated_at)');
    this.addSql('create index directline_conversations_citizen_idx on directline_conversations (citizen_id)');

    this.addSql(`
      create table directline_activities (
        conversation_id varchar(64) not null references directline_conversations (id) on delete cascade,
        seq bigint not null,
        activity jsonb not null,
        created_at timestamptz not null default now(),
        primary key (conversation_id, seq)
      )`);
  }

  override down(): void {
    this.addSql('drop table directline_activities, directline_conversations');
  }
}
