import type { DomainEvent, DomainEventOf, DomainEventType } from '../../src/shared/domain-events';
import { formatBrl } from '../../src/transport/money';

/** Why a Pix payment went back instead of becoming credit, as the refund notice says it. */
const PIX_REFUND_REASONS: Record<DomainEventOf<'pix-refunded'>['reason'], string> = {
  late: 'o pagamento chegou depois do prazo do código Pix',
  'card-not-active': 'o cartão não estava mais ativo',
  'balance-limit': 'a recarga passaria do saldo máximo do cartão',
  'amount-mismatch': 'o valor pago era diferente do valor do pedido',
};

/**
 * The proactive notice of each event type, as one text for every channel. Keyed by type: a new DomainEvent variant
 * does not compile until it has its text here.
 */
const NOTICES: { [T in DomainEventType]: (event: DomainEventOf<T>) => string } = {
  'recharge-confirmed': (e) =>
    `Recarga confirmada: ${formatBrl(e.amountCents)} no cartão ${e.maskedNumber}. Saldo atual: ${formatBrl(e.balanceCents)}.`,
  'card-blocked': (e) => `O cartão ${e.maskedNumber} foi bloqueado. Protocolo: ${e.protocol}. Se não foi você, ligue 1746.`,
  'card-replaced': (e) =>
    `A segunda via do cartão ${e.maskedNumber} foi emitida: o novo cartão é o ${e.newMaskedNumber}` +
    (e.movedCents > 0 ? `, com saldo de ${formatBrl(e.movedCents)} transferido.` : '.'),
  'pix-refunded': (e) =>
    `Pix devolvido: o pagamento de ${formatBrl(e.amountCents)} para recarregar o cartão ${e.maskedNumber} voltou para a ` +
    `conta que pagou, porque ${PIX_REFUND_REASONS[e.reason]}. O saldo do cartão não mudou.`,
};

/** The pt-BR text of an event's notice. */
export function noticeText(event: DomainEvent): string {
  return (NOTICES[event.type] as (e: DomainEvent) => string)(event);
}
