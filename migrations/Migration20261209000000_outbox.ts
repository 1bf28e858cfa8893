import { Migration } from '@mikro-orm/migrations';

/**
 * The transactional outbox of notifications. A change and the events it causes are written in the same transaction
 * (`outbox_events`, one row per event, `key` unique so the same fact is never recorded twice); a dispatcher delivers
 * them after the commit, at least once. `notification_deliveries` records each delivery once per channel and address,
 * so an event taken again (a crashed run, the sweep) does not repeat what a channel already accepted.
 */
export class Migration20261209000000_outbox extends Migration {
  override up(): void {
    this.addSql(`
      create table outbox_events (
        id bigserial primary key,
        type varchar(40) not null,
        key varchar(200) not null unique,
        user_id uuid null,
        payload jsonb not null,
        created_at timestamptz(3) not null default now(),
        claimed_until timestamptz(3) null,
        attempts int not null default 0,
        dispatched_at timestamptz(3) null
      )`);
    this.addSql('create index outbox_events_pending_idx on outbox_events (id) where dispatched_at is null');
    this.addSql('create index outbox_events_user_idx on outbox_events (user_id)');
    this.addSql(`
      create table notification_deliveries (
        event_id bigint not null references outbox_events (id) on delete cascade,
        channel varchar(64) not null,
        address varchar(300) not null,
        delivered_at timestamptz(3) not null default now(),
        primary key (event_id, channel, address)
      )`);
  }

  override down(): void {
    this.addSql('drop table notification_deliveries');
    this.addSql('drop table outbox_events');
  }
}
