import { formatBrl } from '../../src/transport/money';

/** What the chat shows of the citizen's notice choices (src/notices). */
export interface NoticeChoices {
  expiryReminders: boolean;
  lowBalanceThresholdCents: number | null;
}

/** `YYYY-MM-DD` as Brazilians write it. */
function brDate(date: string): string {
  const [year, month, day] = date.split('-');
  return `${day}/${month}/${year}`;
}

export function expiringNotice(documentType: string, expiresOn: string, daysBefore: number): string {
  const when = daysBefore <= 1 ? 'amanhã ou hoje' : `nos próximos ${daysBefore} dias`;
  return (
    `Lembrete: seu documento ${documentType} vence em ${brDate(expiresOn)} (${when}). ` +
    'Para não receber mais lembretes de vencimento, diga "parar avisos de vencimento".'
  );
}

export function lowBalanceNotice(maskedNumber: string, balanceCents: number, thresholdCents: number): string {
  return (
    `Saldo baixo: o cartão ${maskedNumber} está com ${formatBrl(balanceCents)}, abaixo de ${formatBrl(thresholdCents)}. ` +
    'Faça uma recarga para não ficar sem passagem.'
  );
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

export const EXPIRY_REMINDERS_ON =
  'Pronto! Vou lembrar você 30, 7 e 1 dia antes de um documento salvo vencer, nas conversas com avisos ativados.';
export const EXPIRY_REMINDERS_OFF = 'Tudo bem, não vou mais mandar lembretes de vencimento de documentos.';
export const LOW_BALANCE_OFF = 'Tudo bem, desliguei o aviso de saldo baixo.';
export const LOW_BALANCE_NEEDS_AMOUNT = 'Abaixo de quanto? Diga por exemplo "me avisa quando o saldo ficar abaixo de 5 reais".';

export function lowBalanceOn(thresholdCents: number): string {
  return (
    `Pronto! Vou avisar quando o saldo de um cartão ficar abaixo de ${formatBrl(thresholdCents)} ` +
    '(um aviso cada vez que passar para baixo desse valor).'
  );
}
