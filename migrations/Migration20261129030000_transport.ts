import { Migration } from '@mikro-orm/migrations';

/**
 * Transport cards: the ledger (append-only, enforced by the database), idempotency keys with their stored responses,
 * block records with their protocol numbers, and the link from a replaced card to its replacement.
 * Plain SQL that runs on PostgreSQL 15 and on PGlite alike; ids come from the application (UUIDv7).
 */
export class Migration20261129030000_transport extends Migration {
  override up(): void {
    // `ledger_seq` counts the card's ledger entries. It is bumped by the same UPDATE that changes the balance, so it
    // orders entries in the order the row lock applied them (ids and clocks of concurrent requests may disagree).
    this.addSql(`
      alter table transport_cards
        add column ledger_seq bigint not null default 0,
        add column replaced_by_card_id uuid null references transport_cards (id)`);
    this.addSql(`create index transport_cards_user_status_idx on transport_cards (user_id, status)`);

    this.addSql(`
      create table card_ledger (
        id uuid primary key,
        card_id uuid not null references transport_cards (id),
        seq bigint not null check (seq > 0),
        type varchar(16) not null check (type in ('recharge', 'debit', 'transfer_in', 'transfer_out')),
        amount_cents bigint not null check (amount_cents > 0),
        balance_after_cents bigint not null check (balance_after_cents >= 0),
        idempotency_key varchar(255) null,
        description varchar(200) not null,
        counterpart_card_id uuid null references transport_cards (id),
        -- Millisecond precision, as the API shows it: a createdAt read from the API is an exact filter bound.
        created_at timestamptz(3) not null default now(),
        constraint card_ledger_card_seq_key unique (card_id, seq)
      )`);
    this.addSql('create index card_ledger_card_type_idx on card_ledger (card_id, type, seq)');
    // The velocity limit counts a card's recharges in the last hour.
    this.addSql(`create index card_ledger_recharges_idx on card_ledger (card_id, created_at) where type = 'recharge'`);

    // Entries are facts: corrections are new entries, never edits. The database refuses UPDATE, DELETE and TRUNCATE.
    this.addSql(`
      create function card_ledger_refuse_change() returns trigger language plpgsql as $$
      begin
        raise exception 'card_ledger is append-only: % is not allowed', tg_op using errcode = '55000';
      end
      $$`);
    this.addSql(`
      create trigger card_ledger_immutable before update or delete on card_ledger
        for each row execute function card_ledger_refuse_change()`);
    this.addSql(`
      create trigger card_ledger_no_truncate before truncate on card_ledger
        for each statement execute function card_ledger_refuse_change()`);

    this.addSql(`
      create table card_blocks (
        id uuid primary key,
        card_id uuid not null unique references transport_cards (id),
        user_id uuid not null references users (id),
        protocol varchar(20) not null unique,
        reason varchar(16) not null check (reason in ('lost', 'stolen', 'damaged', 'other')),
        created_at timestamptz not null default now()
      )`);
    this.addSql('create sequence card_block_protocol_seq');

    // One row per (citizen, route, key). `claim_token` identifies the request that owns an in-flight claim; a claim
    // whose `locked_until` passed (its process died) can be taken over, and the late owner's commit is then refused.
    this.addSql(`
      create table idempotency_keys (
        id uuid primary key,
        user_id uuid not null references users (id),
        route varchar(100) not null,
        key varchar(255) not null,
        fingerprint char(64) not null,
        state varchar(16) not null check (state in ('in_flight', 'completed')),
        claim_token uuid not null,
        locked_until timestamptz not null,
        outcome jsonb null,
        created_at timestamptz not null default now(),
        completed_at timestamptz null,
        constraint idempotency_keys_scope_key unique (user_id, route, key)
      )`);
    this.addSql('create index idempotency_keys_created_idx on idempotency_keys (created_at)');
  }

  override down(): void {
    this.addSql('drop table idempotency_keys, card_blocks, card_ledger');
    this.addSql('drop sequence card_block_protocol_seq');
    this.addSql('drop function card_ledger_refuse_change()');
    this.addSql('drop index transport_cards_user_status_idx');
    this.addSql('alter table transport_cards drop column replaced_by_card_id, drop column ledger_seq');
  }
}
