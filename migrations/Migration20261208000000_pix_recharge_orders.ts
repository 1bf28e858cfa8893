import { Migration } from '@mikro-orm/migrations';

/**
 * Recharge orders paid by Pix. An order is a charge at the PSP (its `txid`, the payload `location` its BR Code points
 * to) for one card; it becomes `paid` in the same transaction as the card's ledger entry that credits it. Uniqueness is
 * the database's: one order per txid, one payment (e2eid) per order, and one ledger entry per e2eid, so a webhook
 * delivered several times, concurrently or a day later, credits the card once.
 *
 * Only what the ledger and reconciliation need is kept about the payment: its e2eid, amount and time. No payer data.
 */
export class Migration20261208000000_pix_recharge_orders extends Migration {
  override up(): void {
    this.addSql(`alter table card_ledger add column pix_e2eid varchar(32) null`);
    this.addSql(`create unique index card_ledger_pix_e2eid_key on card_ledger (pix_e2eid) where pix_e2eid is not null`);
    this.addSql(`
      create table recharge_orders (
        id uuid primary key,
        user_id uuid not null references users (id),
        card_id uuid not null references transport_cards (id),
        txid varchar(35) not null unique check (txid ~ '^[a-zA-Z0-9]{26,35}$'),
        amount_cents bigint not null check (amount_cents > 0),
        status varchar(16) not null check (status in ('pending', 'paid', 'expired', 'refunding', 'refunded', 'refund_failed')),
        location varchar(200) not null,
        br_code text not null,
        expires_at timestamptz(3) not null,
        e2eid varchar(32) null unique,
        paid_cents bigint null check (paid_cents > 0),
        paid_at timestamptz(3) null,
        ledger_entry_id uuid null unique references card_ledger (id),
        refund_id varchar(35) null,
        refund_reason varchar(32) null,
        created_at timestamptz(3) not null,
        updated_at timestamptz(3) not null,
        -- A paid order names its payment and its ledger entry; nothing else does.
        constraint recharge_orders_paid_check check ((status = 'paid') = (ledger_entry_id is not null)),
        constraint recharge_orders_payment_check check ((e2eid is null) = (paid_at is null))
      )`);
    this.addSql('create index recharge_orders_card_idx on recharge_orders (card_id, id)');
    this.addSql('create index recharge_orders_user_idx on recharge_orders (user_id, created_at)');
    this.addSql(`create index recharge_orders_pending_idx on recharge_orders (expires_at) where status = 'pending'`);
  }

  override down(): void {
    this.addSql('drop table recharge_orders');
    this.addSql('drop index card_ledger_pix_e2eid_key');
    this.addSql('alter table card_ledger drop column pix_e2eid');
  }
}
