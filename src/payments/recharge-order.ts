/** Where a recharge order is in its life: waiting for the payment, credited, expired unpaid, or paid and given back. */
export const ORDER_STATUSES = ['pending', 'paid', 'expired', 'refunding', 'refunded', 'refund_failed'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Why a payment was given back instead of credited. */
export type RefundReason = 'late' | 'card-not-active' | 'balance-limit' | 'amount-mismatch';

/** A recharge order as the domain sees it. */
export interface RechargeOrder {
  id: string;
  userId: string;
  cardId: string;
  txid: string;
  amountCents: number;
  status: OrderStatus;
  /** The copy-and-paste Pix code (a dynamic BR Code pointing at the PSP's payload location). */
  brCode: string;
  /** ISO 8601 instant (the order is stored as an idempotent outcome, hence text). */
  expiresAt: string;
  paidAt: string | null;
  /** The ledger entry that credited the card, once paid. */
  ledgerEntryId: string | null;
  refundReason: RefundReason | null;
  createdAt: string;
}

/** What the PSP told the app about one payment (a webhook's or reconciliation's `pix[]` item). */
export interface ReceivedPayment {
  e2eid: string;
  txid: string;
  amountCents: number;
  paidAt: Date;
}

/** What settling one payment did. */
export type Settlement =
  | { kind: 'credited'; order: RechargeOrder; balanceCents: number }
  /** The same payment again (a replayed or concurrent webhook): nothing changed. */
  | { kind: 'already-settled'; order: RechargeOrder }
  /** No order has this txid: nothing changed. */
  | { kind: 'unknown-txid' }
  /** The order cannot take it (expired, card not active, over the cap, other amount): it is being refunded. */
  | { kind: 'refunding'; order: RechargeOrder; reason: RefundReason; e2eid: string; refundId: string; amountCents: number }
  /** Another payment for an order already settled by a different one: left for an operator. */
  | { kind: 'conflicting-payment'; order: RechargeOrder };
