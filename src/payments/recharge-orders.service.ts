import type { CardsConfig, PixConfig } from '../config';
import type { Transactions, Tx } from '../db/repository';
import type { AccountParticipant } from '../accounts/accounts.service';
import type { Actor } from '../shared/access';
import type { Outbox } from '../notifications/outbox';
import type { Clock } from '../shared/clock';
import type { PixPaymentCounter } from '../shared/metrics';
import type { Logger } from '../shared/logger';
import { DomainError, validationError } from '../shared/errors';
import { isUuid, newId } from '../shared/ids';
import { type Page, type PageRequest, pageOf } from '../shared/pagination';
import { qrCodeDataUrl } from '../shared/qr-code';
import type { CardsRepository } from '../transport/cards.repository';
import { cardAccess } from '../transport/card-access';
import { parseIdempotencyKey, type IdempotencyService, type IdempotentResult } from '../transport/idempotency';
import { formatBrl } from '../transport/money';
import { dynamicBrCode } from './br-code';
import { orderAccess } from './order-access';
import { centsOf, valorOf } from './pix-money';
import type { PixProvider, PspPayment } from './psp';
import type { ReceivedPayment, RechargeOrder, RefundReason, Settlement } from './recharge-order';
import type { RechargeOrdersRepository } from './recharge-orders.repository';

/** An order with its QR code image (a PNG data URL of the BR Code), drawn when answered, never stored. */
export interface RechargeOrderDetails extends RechargeOrder {
  qrCodePng: string;
}

const E2EID = /^[a-zA-Z0-9]{32}$/;
const TXID = /^[a-zA-Z0-9]{26,35}$/;
const UNAVAILABLE = 'A recarga por Pix não está disponível no momento. Tente novamente mais tarde.';

/** The txid of an order: its UUIDv7 without hyphens, 32 hexadecimal characters (the API Pix asks 26 to 35 alphanumerics). */
function txidOf(orderId: string): string {
  return orderId.replace(/-/g, '');
}

/** The refund's id at the PSP: fixed per order, so asking again (a retry) is the same refund, never a second one. */
function refundIdOf(txid: string): string {
  return `D${txid}`;
}

/**
 * Recharges paid by Pix: an order is a charge at the PSP (txid, dynamic BR Code, QR code) for one of the citizen's
 * cards; the PSP's webhook (or reconciliation) reports the payment, and `settle` credits the card once, in the same
 * transaction as the order's change to `paid`. A payment the order cannot take (late, card not active, over the cap,
 * another amount) is given back through the PSP instead (`refunding` -> `refunded` / `refund_failed`).
 */
export class RechargeOrdersService implements AccountParticipant {
  constructor(
    private readonly orders: RechargeOrdersRepository,
    private readonly cards: CardsRepository,
    private readonly transactions: Transactions,
    private readonly idempotency: IdempotencyService,
    /** Null when Pix is not configured: creating an order is then `service-unavailable`. */
    private readonly psp: PixProvider | null,
    private readonly config: PixConfig | undefined,
    private readonly cardsConfig: CardsConfig,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /**
     * The transactional outbox: a paid order's credit records its 'recharge-confirmed' notice there, a refund that
     * reached the payer its 'pix-refunded' notice.
     */
    private readonly outbox: Outbox,
    /** Where payments are counted (the app's or the worker's metrics); null where nothing counts them. */
    private readonly metrics: PixPaymentCounter | null = null,
  ) {}

  /**
   * The citizen's recharge orders for the data export, oldest first. Erasure leaves orders as they are (no `onErased`):
   * the ledger and reconciliation need them, they hold no payer data, and they name only the pseudonymous user id.
   */
  async exportSection(tx: Tx, userId: string): Promise<[string, unknown]> {
    return ['rechargeOrders', await this.orders.exportOf(tx, userId)];
  }

  /**
   * Opens a recharge order of `amountCents` for one of the caller's active cards: a Pix charge at the PSP
   * (`PUT /cob/{txid}`, payable for `chargeExpirySeconds`), answered with the copy-and-paste code and its QR code.
   * The balance does not change until the payment arrives. Idempotent: `idempotencyKey` is required, and a retry with
   * the same key answers the same order (one charge at the PSP).
   */
  async create(
    actor: Actor,
    cardId: string,
    amountCents: number,
    idempotencyKey: string | undefined,
  ): Promise<IdempotentResult<RechargeOrderDetails>> {
    const { ownerId } = orderAccess.scope(actor, 'create');
    const key = parseIdempotencyKey(idempotencyKey);
    const min = this.config?.orderMinCents ?? this.cardsConfig.rechargeMinCents;
    const max = this.config?.orderMaxCents ?? this.cardsConfig.rechargeMaxCents;
    if (!Number.isSafeInteger(amountCents) || amountCents < min || amountCents > max) {
      throw validationError([
        { field: 'amountCents', message: `A recarga deve ser de ${formatBrl(min)} a ${formatBrl(max)}, em centavos inteiros.` },
      ]);
    }
    if (!isUuid(cardId)) throw cardAccess.notFound();
    const { psp, config } = this;
    if (!psp || !config) throw new DomainError('service-unavailable', UNAVAILABLE);
    const outcome = await this.idempotency.run(
      { userId: actor.id, operation: 'card.recharge-order', key, request: { cardId, amountCents } },
      async (tx) => {
        const card = await this.cards.findIn(tx, cardId, ownerId);
        if (!card) throw cardAccess.notFound();
        const now = this.clock.now();
        await this.checkLimits(tx, actor.id, amountCents, now, config);
        if (card.status !== 'active') {
          throw new DomainError('card-not-active', `O cartão ${card.maskedNumber} não está ativo e não aceita recargas.`);
        }
        if (card.balanceCents + amountCents > this.cardsConfig.balanceCapCents) {
          throw new DomainError(
            'balance-limit',
            `A recarga de ${formatBrl(amountCents)} deixaria o saldo acima do limite de ` +
              `${formatBrl(this.cardsConfig.balanceCapCents)} (saldo atual: ${formatBrl(card.balanceCents)}).`,
          );
        }
        const id = newId();
        const txid = txidOf(id);
        // The charge is made inside the transaction: if the order is not committed, the charge was never shown to
        // anyone (no code was answered) and it expires unpaid at the PSP.
        const charge = await psp.createCharge(txid, {
          valor: valorOf(amountCents),
          expiracao: config.chargeExpirySeconds,
          solicitacaoPagador: `Recarga do cartão ${card.maskedNumber}`,
        });
        return this.orders.insert(tx, {
          id,
          userId: actor.id,
          cardId,
          txid,
          amountCents,
          location: charge.location,
          brCode: dynamicBrCode(charge.location, { name: config.merchantName, city: config.merchantCity }),
          expiresAt: new Date(now.getTime() + config.chargeExpirySeconds * 1000),
          now,
        });
      },
    );
    return { result: await withQrCode(outcome.result), replayed: outcome.replayed };
  }

  /**
   * The per-citizen limits, with the citizen's row locked first (concurrent orders wait, then count each other): orders
   * awaiting payment, and the amounts ordered in the Rio day and month (expired and given-back orders do not count).
   * Each refusal is `quota-exceeded` with a pt-BR message saying which limit and what is left.
   */
  private async checkLimits(tx: Tx, userId: string, amountCents: number, now: Date, config: PixConfig): Promise<void> {
    if (!(await this.cards.lockActiveOwner(tx, userId))) throw cardAccess.notFound();
    const { dayStart, monthStart } = rioPeriods(now);
    const usage = await this.orders.usage(tx, userId, now, dayStart, monthStart);
    if (usage.pending >= config.maxPendingOrders) {
      throw new DomainError(
        'quota-exceeded',
        `Você já tem ${usage.pending} recargas por Pix aguardando pagamento, o máximo permitido. ` +
          'Pague uma delas ou espere que expirem para pedir outra.',
      );
    }
    const limits = [
      { used: usage.day, limit: config.dailyLimitCents, period: 'hoje', name: 'diário' },
      { used: usage.month, limit: config.monthlyLimitCents, period: 'neste mês', name: 'mensal' },
    ];
    for (const { used, limit, period, name } of limits) {
      if (used + amountCents > limit) {
        throw new DomainError(
          'quota-exceeded',
          `A recarga de ${formatBrl(amountCents)} passaria o limite ${name} de ${formatBrl(limit)} em recargas por Pix ` +
            `(você ainda pode recarregar ${formatBrl(Math.max(0, limit - used))} ${period}).`,
        );
      }
    }
  }

  /** One of the caller's orders; another citizen's is `not-found`, like a missing one. */
  async get(actor: Actor, orderId: string): Promise<RechargeOrderDetails> {
    const { ownerId } = orderAccess.scope(actor, 'read');
    if (!isUuid(orderId)) throw orderAccess.notFound();
    const order = await this.orders.find(orderId, ownerId);
    if (!order) throw orderAccess.notFound();
    return withQrCode(order);
  }

  /** The orders of one of the caller's cards, newest first, keyset-paginated. */
  async listForCard(actor: Actor, cardId: string, page: PageRequest): Promise<Page<RechargeOrderDetails>> {
    const { ownerId } = orderAccess.scope(actor, 'read');
    if (!isUuid(cardId)) throw cardAccess.notFound();
    const rows = await this.orders.listForCard(cardId, ownerId, page.limit + 1, page.cursor);
    if (!rows) throw cardAccess.notFound();
    const { items, nextCursor } = pageOf(rows, page.limit, (order) => order.id);
    return { items: await Promise.all(items.map(withQrCode)), nextCursor };
  }

  /**
   * A webhook call of the PSP (`{pix: [...]}`, already authenticated by the edge): each payment is settled on its own,
   * and each refund state it carries is recorded. Malformed items and unknown txids change nothing and are logged.
   * Throws only when the database fails, so the PSP delivers the call again.
   */
  async receiveWebhook(body: unknown): Promise<void> {
    const items = (body as { pix?: unknown } | null)?.pix;
    if (!Array.isArray(items)) {
      this.logger.warn('pix webhook without a pix array: ignored');
      return;
    }
    for (const item of items as PspPayment[]) {
      const payment = receivedPayment(item);
      if (!payment) {
        this.logger.warn(
          { e2eid: typeof item?.endToEndId === 'string' ? item.endToEndId : undefined },
          'pix webhook item malformed: ignored',
        );
        continue;
      }
      this.metrics?.pixPayment('received');
      await this.settle(payment);
      for (const refund of Array.isArray(item.devolucoes) ? item.devolucoes : []) {
        if (refund.status === 'DEVOLVIDO' || refund.status === 'NAO_REALIZADO') {
          await this.refundSettled(
            payment.e2eid,
            String(refund.id),
            refund.status === 'DEVOLVIDO' ? 'refunded' : 'refund_failed',
          );
        }
      }
    }
  }

  /**
   * Settles one received payment, once however often it is reported: credits the order's card (ledger entry naming
   * the e2eid, order `paid`, one transaction), or records why it goes back and asks the PSP for the refund.
   */
  async settle(payment: ReceivedPayment): Promise<Settlement> {
    const settlement = await this.transactions.run(async (tx): Promise<Settlement> => {
      const order = await this.orders.lockByTxid(tx, payment.txid);
      if (!order) return { kind: 'unknown-txid' };
      if (order.e2eid === payment.e2eid) return { kind: 'already-settled', order };
      if (order.e2eid !== null) return { kind: 'conflicting-payment', order };
      // Paid in time is paid, even when the expiry job already marked the order `expired` before the webhook came.
      let reason: RefundReason | null = null;
      if (payment.paidAt > new Date(order.expiresAt)) reason = 'late';
      else if (payment.amountCents !== order.amountCents) reason = 'amount-mismatch';
      if (reason === null) {
        const credited = await this.orders.credit(tx, order, payment, this.cardsConfig.balanceCapCents, 'Recarga por Pix');
        if (credited) {
          // The notice goes through the outbox, in this transaction: a credit that commits is always announced.
          const card = await this.cards.findIn(tx, order.cardId, null);
          await this.outbox.add(tx, `recharge-confirmed:${credited.entryId}`, {
            type: 'recharge-confirmed',
            userId: order.userId,
            cardId: order.cardId,
            maskedNumber: card?.maskedNumber ?? '',
            amountCents: order.amountCents,
            balanceCents: credited.balanceCents,
          });
          return {
            kind: 'credited',
            order: { ...order, status: 'paid', paidAt: payment.paidAt.toISOString(), ledgerEntryId: credited.entryId },
            balanceCents: credited.balanceCents,
          };
        }
        const card = await this.cards.findIn(tx, order.cardId, null);
        reason = card?.status === 'active' ? 'balance-limit' : 'card-not-active';
      }
      const refundId = refundIdOf(order.txid);
      await this.orders.markRefunding(tx, order.id, payment, { id: refundId, reason }, this.clock.now());
      return { kind: 'refunding', order, reason, e2eid: payment.e2eid, refundId, amountCents: payment.amountCents };
    });
    this.logSettlement(payment, settlement);
    if (settlement.kind === 'credited') this.outbox.committed();
    if (settlement.kind === 'credited' || settlement.kind === 'refunding') this.metrics?.pixPayment(settlement.kind);
    if (settlement.kind === 'refunding') await this.askRefund(settlement.e2eid, settlement.refundId, settlement.amountCents);
    return settlement;
  }

  /**
   * Reconciliation: every payment the PSP received in the last `windowHours` (`GET /pix`, on the app's clock) is
   * settled like a webhook's, so a payment whose webhook was lost is credited (once: settling is idempotent).
   * Returns how many payments were read and how many were credited or refunded by this run.
   */
  async reconcile(windowHours: number): Promise<{ read: number; settled: number }> {
    if (!this.psp) return { read: 0, settled: 0 };
    const now = this.clock.now();
    const received = await this.psp.listReceived(new Date(now.getTime() - windowHours * 3_600_000), now);
    let settled = 0;
    for (const item of received) {
      const payment = receivedPayment(item);
      // A payment to the key without a charge (no txid) is no order's: an operator sees it at the PSP.
      if (!payment) continue;
      const outcome = await this.settle(payment);
      if (outcome.kind === 'credited' || outcome.kind === 'refunding') settled += 1;
    }
    if (settled > 0) this.logger.warn({ settled }, 'pix reconciliation settled payments whose webhook did not arrive');
    return { read: received.length, settled };
  }

  /** Unpaid orders whose expiry passed (on the app's clock) become `expired`; returns how many. Run by a job. */
  expireDue(): Promise<number> {
    return this.orders.expireDue(this.clock.now());
  }

  /**
   * Every order in `refunding`: asks the PSP for its refund again (the same refund id, so never a second refund) and
   * records the state the PSP answers once it is final. Run by a job, so a failed request or a lost webhook is
   * followed to the end.
   */
  async followRefunds(): Promise<{ asked: number; settled: number }> {
    const { psp } = this;
    if (!psp) return { asked: 0, settled: 0 };
    let settled = 0;
    const pending = await this.orders.refunding(100);
    for (const refund of pending) {
      try {
        const answer = await psp.requestRefund(refund.e2eid, refund.refundId, valorOf(refund.paidCents));
        if (answer.status === 'EM_PROCESSAMENTO') continue;
        const status = answer.status === 'DEVOLVIDO' ? 'refunded' : 'refund_failed';
        if (await this.refundSettled(refund.e2eid, refund.refundId, status)) settled += 1;
      } catch (error) {
        this.logger.warn({ err: error, e2eid: refund.e2eid, refundId: refund.refundId }, 'pix refund not followed; next run');
      }
    }
    return { asked: pending.length, settled };
  }

  /**
   * Records a refund's final state, reported by the webhook or read by the refund job; the one place that tells the
   * citizen about a refund: its 'pix-refunded' event is written to the outbox in the transaction of the state change,
   * keyed by the refund's id, and only by the call that made the change, so a repeated report tells nobody twice. A
   * refund the PSP could not make is left to an operator (logged).
   */
  private async refundSettled(e2eid: string, refundId: string, status: 'refunded' | 'refund_failed'): Promise<boolean> {
    const settled = await this.transactions.run(async (tx) => {
      const refund = await this.orders.settleRefund(tx, e2eid, refundId, status, this.clock.now());
      if (refund && status === 'refunded') {
        const card = await this.cards.findIn(tx, refund.cardId, null);
        await this.outbox.add(tx, `pix-refunded:${refundId}`, {
          type: 'pix-refunded',
          ...refund,
          maskedNumber: card?.maskedNumber ?? '',
        });
      }
      return refund;
    });
    if (!settled) return false;
    this.metrics?.pixPayment(status);
    if (status === 'refunded') {
      this.logger.info({ e2eid, refundId, status }, 'pix refund settled');
      this.outbox.committed();
    } else {
      this.logger.error({ e2eid, refundId, status }, 'pix refund not made by the PSP: left for an operator');
    }
    return true;
  }

  /** Asks the PSP to give a payment back; a failure is logged and left to the refund job, which asks again. */
  private async askRefund(e2eid: string, refundId: string, amountCents: number): Promise<void> {
    if (!this.psp) return;
    try {
      const refund = await this.psp.requestRefund(e2eid, refundId, valorOf(amountCents));
      this.logger.info({ e2eid, refundId, status: refund.status }, 'pix refund requested');
    } catch (error) {
      this.logger.warn({ err: error, e2eid, refundId }, 'pix refund request failed; the refund job asks again');
    }
  }

  private logSettlement(payment: ReceivedPayment, settlement: Settlement): void {
    const fields = { txid: payment.txid, e2eid: payment.e2eid, outcome: settlement.kind };
    if (settlement.kind === 'unknown-txid') this.logger.warn(fields, 'pix payment for an unknown txid: nothing changed');
    else if (settlement.kind === 'conflicting-payment') {
      this.logger.error(fields, 'second pix payment for an order already settled by another one: left for an operator');
    } else if (settlement.kind === 'refunding')
      this.logger.warn({ ...fields, reason: settlement.reason }, 'pix payment refunded');
    else this.logger.info(fields, 'pix payment settled');
  }
}

/** A webhook or reconciliation item as a payment, or null when it is not one the app can settle. */
function receivedPayment(item: PspPayment | null | undefined): ReceivedPayment | null {
  if (!item || typeof item !== 'object') return null;
  const amountCents = centsOf(item.valor);
  const paidAt = typeof item.horario === 'string' ? new Date(item.horario) : null;
  if (typeof item.endToEndId !== 'string' || !E2EID.test(item.endToEndId)) return null;
  if (typeof item.txid !== 'string' || !TXID.test(item.txid)) return null;
  if (amountCents === null || amountCents <= 0 || !paidAt || Number.isNaN(paidAt.getTime())) return null;
  return { e2eid: item.endToEndId, txid: item.txid, amountCents, paidAt };
}

/** Rio has been on UTC-3 all year since 2019: the start of `now`'s calendar day and month in Rio, as instants. */
function rioPeriods(now: Date): { dayStart: Date; monthStart: Date } {
  const rio = new Date(now.getTime() - 3 * 3_600_000);
  const dayStart = new Date(Date.UTC(rio.getUTCFullYear(), rio.getUTCMonth(), rio.getUTCDate(), 3));
  const monthStart = new Date(Date.UTC(rio.getUTCFullYear(), rio.getUTCMonth(), 1, 3));
  return { dayStart, monthStart };
}

async function withQrCode(order: RechargeOrder): Promise<RechargeOrderDetails> {
  return { ...order, qrCodePng: await qrCodeDataUrl(order.brCode, { errorCorrectionLevel: 'M', margin: 2, width: 256 }) };
}
