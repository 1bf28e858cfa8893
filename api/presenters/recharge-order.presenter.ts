import type { RechargeOrderDetails } from '../../src/payments/recharge-orders.service';

/** A Pix recharge order as the API shows it. */
export interface RechargeOrderView {
  id: string;
  cardId: string;
  /**
   * `pending` (waiting for the payment), `paid` (the card was credited), `expired` (not paid in time), `refunding`,
   * `refunded` or `refund_failed` (paid but given back: late, card not active, over the balance cap, other amount).
   */
  status: 'pending' | 'paid' | 'expired' | 'refunding' | 'refunded' | 'refund_failed';
  /** The charge's identifier at the payment provider (26 to 35 alphanumerics). */
  txid: string;
  /** Integer centavos. */
  amountCents: number;
  /** Pix copia e cola: the BR Code to paste in the bank's app (a dynamic Pix with a valid CRC). */
  brCode: string;
  /** The same BR Code as a QR code image (`data:image/png;base64,...`). */
  qrCode: string;
  /** Instant (ISO 8601 UTC) after which the code can no longer be paid. */
  expiresAt: string;
  paidAt: string | null;
  /**
   * Why a payment was given back, when it was: `late` (after `expiresAt`), `card-not-active`, `balance-limit` or
   * `amount-mismatch`.
   */
  refundReason: string | null;
  createdAt: string;
}

export interface RechargeOrderPage {
  items: RechargeOrderView[];
  nextCursor: string | null;
}

export function presentRechargeOrder(order: RechargeOrderDetails): RechargeOrderView {
  return {
    id: order.id,
    cardId: order.cardId,
    status: order.status,
    txid: order.txid,
    amountCents: order.amountCents,
    brCode: order.brCode,
    qrCode: order.qrCodePng,
    expiresAt: order.expiresAt,
    paidAt: order.paidAt,
    refundReason: order.refundReason,
    createdAt: order.createdAt,
  };
}
