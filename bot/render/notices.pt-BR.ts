import type { DomainEvent, DomainEventOf, DomainEventType } from '../../src/shared/domain-events';
import { formatBrl } from '../../src/transport/money';

/** `YYYY-MM-DD` as Brazilians write it. */
function brDate(date: string): string {
  const [year, month, day] = date.split('-');
  return `${day}/${month}/${year}`;
}

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
  'document-expiring': (e) =>
    `Lembrete: seu documento ${e.documentType} vence em ${brDate(e.expiresOn)} ` +
    `(${e.daysBefore <= 1 ? 'amanhã ou hoje' : `nos próximos ${e.daysBefore} dias`}). ` +
    'Para não receber mais lembretes de vencimento, diga "parar avisos de vencimento".',
  'document-saved': (e) =>
    `Documento salvo na sua carteira: ${e.documentType}. Se não foi você, altere sua senha e fale com o 1746.`,
  'low-balance': (e) =>
    `Saldo baixo: o cartão ${e.maskedNumber} está com ${formatBrl(e.balanceCents)}, abaixo de ${formatBrl(e.thresholdCents)}. ` +
    'Faça uma recarga para não ficar sem passagem.',
  'pix-refunded': (e) =>
    `Pix devolvido: o pagamento de ${formatBrl(e.amountCents)} para recarregar o cartão ${e.maskedNumber} voltou para a ` +
    `conta que pagou, porque ${PIX_REFUND_REASONS[e.reason]}. O saldo do cartão não mudou.`,
};

/** The pt-BR text of an event's notice. */
export function noticeText(event: DomainEvent): string {
  return (NOTICES[event.type] as (e: DomainEvent) => string)(event);
}

/** What the chat shows of the citizen's notice choices (src/notices). */
export interface NoticeChoices {
  expiryReminders: boolean;
  lowBalanceThresholdCents: number | null;
}

/** The citizen's notice choices, and how to change them. */
export function noticeChoices(choices: NoticeChoices): string {
  const expiry = choices.expiryReminders
    ? '• Lembretes de vencimento de documentos: ligados'
    : '• Lembretes de vencimento de documentos: desligados';
  const balance =
    choices.lowBalanceThresholdCents === null
      ? '• Aviso de saldo baixo: desligado'
      : `• Aviso de saldo baixo: quando o saldo de um cartão ficar abaixo de ${formatBrl(choices.lowBalanceThresholdCents)}`;
  return (
    `Seus avisos:\n${expiry}\n${balance}\n` +
    'Para mudar, diga por exemplo "me avisa quando o saldo ficar abaixo de 5 reais", "parar aviso de saldo baixo" ou ' +
    '"parar avisos de vencimento". Os avisos chegam nas conversas em que você disse "ativar avisos".'
  );
}

/** "30, 7 e 1": numbers as a pt-BR list. */
function listOf(numbers: readonly number[]): string {
  const words = numbers.map(String);
  return words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} e ${words[words.length - 1]}`;
}

/**
 * The answer to turning expiry reminders on, with the days they are sent (NOTIFY_EXPIRY_REMINDER_DAYS, largest first;
 * 0 is the expiry day itself).
 */
export function expiryRemindersOn(days: readonly number[]): string {
  const before = days.filter((d) => d > 0);
  const onTheDay = days.includes(0);
  let when: string;
  if (before.length === 0) when = 'no dia em que um documento salvo vencer';
  else {
    const unit = before[before.length - 1] === 1 ? 'dia' : 'dias';
    when = `${listOf(before)} ${unit} antes de um documento salvo vencer` + (onTheDay ? ' e no próprio dia do vencimento' : '');
  }
  return `Pronto! Vou lembrar você ${when}, nas conversas com avisos ativados.`;
}
export const EXPIRY_REMINDERS_OFF = 'Tudo bem, não vou mais mandar lembretes de vencimento de documentos.';
export const LOW_BALANCE_OFF = 'Tudo bem, desliguei o aviso de saldo baixo.';
export const LOW_BALANCE_NEEDS_AMOUNT = 'Abaixo de quanto? Diga por exemplo "me avisa quando o saldo ficar abaixo de 5 reais".';

export function lowBalanceOn(thresholdCents: number): string {
  return (
    `Pronto! Vou avisar quando o saldo de um cartão ficar abaixo de ${formatBrl(thresholdCents)} ` +
    '(um aviso cada vez que passar para baixo desse valor).'
  );
}
