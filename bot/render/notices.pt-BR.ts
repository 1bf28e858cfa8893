import type { DomainEvent, DomainEventOf, DomainEventType } from '../../src/shared/domain-events';
import { formatBrl } from '../../src/transport/money';

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
};

/** The pt-BR text of an event's notice. */
export function noticeText(event: DomainEvent): string {
  return (NOTICES[event.type] as (e: DomainEvent) => string)(event);
}
