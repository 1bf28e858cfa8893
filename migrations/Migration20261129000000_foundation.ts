import { Migration } from '@mikro-orm/migrations';

/** The foundation: the audit trail every later capability writes to. */
export class Migration20261129000000_foundation extends Migration {
  override up(): void {
    this.addSql(`
      create table audit_events (
        id uuid primary key,
        event varchar(64) not null,
        actor_id uuid null,
        subject_id uuid null,
        address varchar(64) null,
        request_id varchar(128) null,
        details jsonb null,
        occurred_at timestamptz not null default now()
      )`);
    this.addSql('create index audit_events_actor_idx on audit_events (actor_id, occurred_at)');
  }

  override down(): void {
    this.addSql('drop table audit_events');
  }
}
