import { Repository, isoOf, type Row, type Tx } from '../db/repository';
import { newId } from '../shared/ids';
import type { OrderStatus, ReceivedPayment, RechargeOrder, RefundReason } from './recharge-order';

/** An order whose refund just reached its final state. */
export interface SettledRefund {
  orderId: string;
  userId: string;
  cardId: string;
  /** What the payer paid, and got back. */
  amountCents: number;
  reason: RefundReason;
}

const ORDER_COLUMNS = `id, user_id, card_id, txid, amount_cents, status, br_code, expires_at, e2eid, paid_cents, paid_at,
  ledger_entry_id, refund_id, refund_reason, created_at`;

/** A locked order with the payment columns the settlement reads. */
interface LockedOrder extends RechargeOrder {
  e2eid: string | null;
  refundId: string | null;
}

function toOrder(row: Row): LockedOrder {
  return {
    id: String(row.id),
    userId: String(row.user_id),
    cardId: String(row.card_id),
    txid: String(row.txid),
    amountCents: Number(row.amount_cents),
    status: String(row.status) as OrderStatus,
    brCode: String(row.br_code),
    expiresAt: isoOf(row.expires_at),
    paidAt: row.paid_at ? isoOf(row.paid_at) : null,
    ledgerEntryId: (row.ledger_entry_id as string | null) ?? null,
    refundReason: (row.refund_reason as RefundReason | null) ?? null,
    createdAt: isoOf(row.created_at),
    e2eid: (row.e2eid as string | null) ?? null,
    refundId: (row.refund_id as string | null) ?? null,
  };
}

/** A new order, as the service made it after the PSP created its charge. */
export interface NewOrder {
  id: string;
  userId: string;
  cardId: string;
  txid: string;
  amountCents: number;
  location: string;
  brCode: string;
  expiresAt: Date;
  now: Date;
}

/** One Pix credit or paid order that the ledger verification found without its counterpart. */
export interface PixFinding {
  kind: 'credit-without-order' | 'order-without-credit' | 'mismatch';
  cardId: string;
  /** The ledger entry's id, or the order's (order-without-credit). */
  id: string;
  detail: string;
}

/** Recharge orders and their settlement: the SQL of src/payments. */
export class RechargeOrdersRepository extends Repository {
  /** Inserts a pending order inside the caller's transaction. */
  async insert(tx: Tx, order: NewOrder): Promise<RechargeOrder> {
    const row = await this.row(
      `insert into recharge_orders (id, user_id, card_id, txid, amount_cents, status, location, br_code, expires_at,
                                    created_at, updated_at)
       values (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)
       returning ${ORDER_COLUMNS}`,
      [
        order.id,
        order.userId,
        order.cardId,
        order.txid,
        order.amountCents,
        order.location,
        order.brCode,
        order.expiresAt.toISOString(),
        order.now.toISOString(),
        order.now.toISOString(),
      ],
      tx,
    );
    return toOrder(row!);
  }

  /**
   * What the citizen's orders add up to, for the limits: orders awaiting payment at `now`, and the amounts of orders
   * since `dayStart` and `monthStart` that are not expired nor given back. Read after the caller locked the citizen
   * (CardsRepository.lockActiveOwner), so two concurrent orders cannot both pass a limit.
   */
  async usage(
    tx: Tx,
    userId: string,
    now: Date,
    dayStart: Date,
    monthStart: Date,
  ): Promise<{ pending: number; day: number; month: number }> {
    const row = await this.row<{ pending: string; day: string; month: string }>(
      `select count(*) filter (where status = 'pending' and expires_at > ?)::text as pending,
              coalesce(sum(amount_cents) filter (where created_at >= ?), 0)::text as day,
              coalesce(sum(amount_cents), 0)::text as month
         from recharge_orders
        where user_id = ? and created_at >= ? and status in ('pending', 'paid')`,
      [now.toISOString(), dayStart.toISOString(), userId, monthStart.toISOString()],
      tx,
    );
    return { pending: Number(row?.pending ?? 0), day: Number(row?.day ?? 0), month: Number(row?.month ?? 0) };
  }

  /** One order, if it exists and (with `ownerId`) is that owner's. */
  async find(orderId: string, ownerId: string | null): Promise<RechargeOrder | null> {
    const row = await this.row(
      `select ${ORDER_COLUMNS} from recharge_orders where id = ? and user_id = coalesce(?::uuid, user_id)`,
      [orderId, ownerId],
    );
    return row ? toOrder(row) : null;
  }

  /**
   * A card's orders, newest first, `limit` of them before `cursor` (an order id); null when the card is not the
   * owner's (or does not exist).
   */
  async listForCard(cardId: string, ownerId: string | null, limit: number, cursor?: string): Promise<RechargeOrder[] | null> {
    const rows = await this.rows(
      `select c.id as owner_card, o.*
         from transport_cards c
         left join lateral (
           select ${ORDER_COLUMNS} from recharge_orders r
            where r.card_id = c.id ${cursor ? 'and r.id < ?' : ''}
            order by r.id desc limit ?
         ) o on true
        where c.id = ? and c.user_id = coalesce(?::uuid, c.user_id)`,
      [...(cursor ? [cursor] : []), limit, cardId, ownerId],
    );
    if (rows.length === 0) return null;
    return rows.filter((row) => row.id !== null).map(toOrder);
  }

  /** The order with this txid, locked until the transaction ends (settlements of one order run one after another). */
  async lockByTxid(tx: Tx, txid: string): Promise<LockedOrder | null> {
    const row = await this.row(`select ${ORDER_COLUMNS} from recharge_orders where txid = ? for update`, [txid], tx);
    return row ? toOrder(row) : null;
  }

  /**
   * Credits the card for a payment, in the caller's transaction: the balance (only if the card is active and stays
   * under the cap), the ledger entry naming the e2eid, and the order's change to `paid`. Null when the card cannot take
   * it (nothing written). The ledger's unique e2eid refuses a second credit for the same payment whatever happens.
   */
  async credit(
    tx: Tx,
    order: RechargeOrder,
    payment: ReceivedPayment,
    balanceCapCents: number,
    description: string,
  ): Promise<{ balanceCents: number; entryId: string } | null> {
    const card = await this.row<{ balance_cents: string; ledger_seq: string }>(
      `update transport_cards
          set balance_cents = balance_cents + ?::bigint, ledger_seq = ledger_seq + 1, updated_at = now()
        where id = ? and status = 'active' and balance_cents + ?::bigint <= ?::bigint
        returning balance_cents, ledger_seq`,
      [payment.amountCents, order.cardId, payment.amountCents, balanceCapCents],
      tx,
    );
    if (!card) return null;
    const entryId = newId();
    await this.run(
      `insert into card_ledger (id, card_id, seq, type, amount_cents, balance_after_cents, description, pix_e2eid)
       values (?, ?, ?, 'recharge', ?, ?, ?, ?)`,
      [entryId, order.cardId, card.ledger_seq, payment.amountCents, card.balance_cents, description, payment.e2eid],
      tx,
    );
    await this.run(
      `update recharge_orders
          set status = 'paid', e2eid = ?, paid_cents = ?, paid_at = ?, ledger_entry_id = ?, updated_at = ?
        where id = ? and status in ('pending', 'expired')`,
      [payment.e2eid, payment.amountCents, payment.paidAt.toISOString(), entryId, payment.paidAt.toISOString(), order.id],
      tx,
    );
    return { balanceCents: Number(card.balance_cents), entryId };
  }

  /** Records a payment the order cannot take and the refund that gives it back (state `refunding`). */
  async markRefunding(
    tx: Tx,
    orderId: string,
    payment: ReceivedPayment,
    refund: { id: string; reason: RefundReason },
    now: Date,
  ): Promise<void> {
    await this.run(
      `update recharge_orders
          set status = 'refunding', e2eid = ?, paid_cents = ?, paid_at = ?, refund_id = ?, refund_reason = ?, updated_at = ?
        where id = ? and e2eid is null`,
      [payment.e2eid, payment.amountCents, payment.paidAt.toISOString(), refund.id, refund.reason, now.toISOString(), orderId],
      tx,
    );
  }

  /**
   * The refund's final state, once the PSP says it (`refunding` -> `refunded` or `refund_failed`), in the caller's
   * transaction: the order it settled, or null when there was nothing to settle (already final, or no such refund), so
   * a repeated report changes nothing.
   */
  async settleRefund(
    tx: Tx,
    e2eid: string,
    refundId: string,
    status: 'refunded' | 'refund_failed',
    now: Date,
  ): Promise<SettledRefund | null> {
    const rows = await this.rows(
      `update recharge_orders set status = ?, updated_at = ?
        where e2eid = ? and refund_id = ? and status = 'refunding'
        returning id, user_id, card_id, paid_cents, refund_reason`,
      [status, now.toISOString(), e2eid, refundId],
      tx,
    );
    const row = rows[0];
    if (!row) return null;
    return {
      orderId: String(row.id),
      userId: String(row.user_id),
      cardId: String(row.card_id),
      amountCents: Number(row.paid_cents),
      reason: row.refund_reason as RefundReason,
    };
  }

  /** Pending orders whose expiry passed at `now` become `expired`; returns how many. */
  async expireDue(now: Date): Promise<number> {
    return this.run(
      `update recharge_orders set status = 'expired', updated_at = ? where status = 'pending' and expires_at <= ?`,
      [now.toISOString(), now.toISOString()],
    );
  }

  /** Orders in `refunding` (their refund asked for, or still to ask for): the refund job's work. */
  async refunding(limit: number): Promise<Array<{ e2eid: string; refundId: string; paidCents: number }>> {
    const rows = await this.rows(
      `select e2eid, refund_id, paid_cents from recharge_orders where status = 'refunding' order by updated_at limit ?`,
      [limit],
    );
    return rows.map((row) => ({ e2eid: String(row.e2eid), refundId: String(row.refund_id), paidCents: Number(row.paid_cents) }));
  }

  /** Every order of the citizen, oldest first (the data export). */
  async exportOf(tx: Tx, userId: string): Promise<RechargeOrder[]> {
    const rows = await this.rows(`select ${ORDER_COLUMNS} from recharge_orders where user_id = ? order by id`, [userId], tx);
    return rows.map((row) => {
      const { e2eid: _e2eid, refundId: _refundId, ...order } = toOrder(row);
      return order;
    });
  }

  /**
   * Pix credits and paid orders that do not match one to one (ledger verification), in one statement, hence one
   * snapshot: ledger entries naming an e2eid that no paid order names (or whose order names another card, amount or
   * entry), and paid orders without their entry. At most 1000 of each.
   */
  async findings(): Promise<{ credits: number; paidOrders: number; findings: PixFinding[] }> {
    const rows = await this.rows<Record<string, string | null>>(
      `(select 'count' as kind, null::text as card_id, null::text as id,
               (select count(*) from card_ledger where pix_e2eid is not null)::text as a,
               (select count(*) from recharge_orders where status = 'paid')::text as b)
       union all
       (select case when o.id is null then 'credit-without-order' else 'mismatch' end, l.card_id::text, l.id::text,
               l.pix_e2eid,
               case when o.id is null then null
                    else 'order ' || o.id || ' (' || o.status || ', card ' || o.card_id || ', '
                         || coalesce(o.paid_cents::text, '-') || ' centavos, entry ' || coalesce(o.ledger_entry_id::text, '-')
                         || ') but the entry is on card ' || l.card_id || ' for ' || l.amount_cents || ' centavos' end
          from card_ledger l left join recharge_orders o on o.e2eid = l.pix_e2eid
         where l.pix_e2eid is not null
           and (o.id is null or o.status <> 'paid' or o.ledger_entry_id <> l.id or o.card_id <> l.card_id
                or o.paid_cents <> l.amount_cents)
         limit 1000)
       union all
       (select 'order-without-credit', o.card_id::text, o.id::text, o.e2eid, o.ledger_entry_id::text
          from recharge_orders o left join card_ledger l on l.id = o.ledger_entry_id and l.pix_e2eid = o.e2eid
         where o.status = 'paid' and l.id is null
         limit 1000)`,
    );
    const result = { credits: 0, paidOrders: 0, findings: [] as PixFinding[] };
    for (const row of rows) {
      const base = { cardId: String(row.card_id), id: String(row.id) };
      if (row.kind === 'count') {
        result.credits = Number(row.a);
        result.paidOrders = Number(row.b);
      } else if (row.kind === 'credit-without-order') {
        result.findings.push({
          ...base,
          kind: 'credit-without-order',
          detail: `entry ${row.id} credits e2eid ${row.a}, which no paid order names`,
        });
      } else if (row.kind === 'mismatch') {
        result.findings.push({ ...base, kind: 'mismatch', detail: `entry ${row.id} credits e2eid ${row.a}: ${row.b}` });
      } else {
        result.findings.push({
          ...base,
          kind: 'order-without-credit',
          detail: `paid order ${row.id} (e2eid ${row.a}) has no ledger entry naming it`,
        });
      }
    }
    return result;
  }
}
