import { formatBrl } from '../../src/transport/money';
import type { CardMiss } from '../flows/card-ref';
import type { BotMessage, CardStatus, Choice, CreatedRecharge, RechargeOrderSummary } from '../flows/types';
import { formatDateTime } from './card-history.pt-BR';
import { strong } from './format';
import { cardMissed, YES_NO } from './messages.pt-BR';

/** What IPlani says in a recharge by Pix ("quero recarregar", "coloca 20 reais no meu cartão") and in "status do pix". */

/** A card as an option ("Cartão •••• 1234"). */
export function cardLabel(masked: string): string {
  return `Cartão ${masked}`;
}

export function pickCard(choices: Choice[]): BotMessage {
  return { text: 'Qual cartão você quer recarregar?', choices };
}

export function askAmount(masked: string, minCents: number, maxCents: number): BotMessage {
  return {
    text: `Quanto você quer colocar no cartão ${masked}? Pode ser de ${formatBrl(minCents)} a ${formatBrl(maxCents)} (por exemplo: 20 ou R$ 15,50).`,
  };
}

/** An amount outside the order limits: said with the limits, before the amount is asked again. */
export function amountOutOfRange(amountCents: number, minCents: number, maxCents: number): string {
  const which = amountCents < minCents ? `O valor mínimo é ${formatBrl(minCents)}` : `O valor máximo é ${formatBrl(maxCents)}`;
  return `${formatBrl(amountCents)} não dá: ${which} por recarga.`;
}

export function confirmRecharge(masked: string, amountCents: number): BotMessage {
  return {
    text:
      `Confirma a recarga de ${strong(formatBrl(amountCents))} no cartão ${masked}? ` +
      'Vou gerar um Pix para você pagar no app do seu banco; o saldo entra assim que o pagamento for confirmado.',
    choices: YES_NO,
  };
}

export const HELP = {
  pick: 'Escolha o cartão que vai receber a recarga, pelo número da opção ou pelos 4 últimos dígitos.',
  amount: 'Diga quanto quer colocar, em reais: por exemplo 20, R$ 15,50 ou "vinte reais".',
  confirm: 'Responda "sim" para gerar o Pix da recarga, ou "não" para desistir. "voltar" corrige o valor.',
};

/** Why an answer was not taken, before the question is asked again. */
export const INVALID = {
  pick: 'Não reconheci esse cartão. Escolha uma das opções.',
  amount: 'Não entendi o valor. Escreva só o valor em reais, por exemplo 20 ou 15,50.',
  confirm: 'Responda "sim" para gerar o Pix ou "não" para desistir.',
};

export const NO_ACTIVE_CARDS = 'Você não tem cartões ativos para recarregar. Nenhuma cobrança foi criada.';
export const UNAVAILABLE = 'A recarga por Pix não está disponível no momento. Tente novamente mais tarde.';

/** Said whenever a recharge ends without a charge: declined, cancelled, refused. */
export const NO_CHARGE = 'Nenhuma cobrança Pix foi criada.';
export const DECLINED = `Tudo bem, não gerei o Pix. ${NO_CHARGE}`;
/** Leaving the recharge flow before confirming. */
export const NOT_CHARGED = `Tudo bem, parei por aqui: ${NO_CHARGE}`;

/** A card the citizen named that is not active: said plainly, never replaced by another one without asking. */
export function cardNotActive(masked: string, status: CardStatus): string {
  const state = status === 'cancelled' ? 'está cancelado' : 'está bloqueado';
  return `O cartão ${masked} ${state} e não aceita recargas. ${NO_CHARGE}`;
}

/** A card the citizen named that is none of theirs: not theirs, more than one, or a place beyond the list. */
export function cardNotFound(miss: CardMiss): string {
  return cardMissed(miss, { one: 'cartão ativo', many: 'cartões ativos' });
}

/** A refusal of the service (a limit, a card that stopped being active), said as the service worded it. */
export function refused(reason: string): string {
  return `Não consegui gerar o Pix: ${reason} ${NO_CHARGE}`;
}

/** "05/12/2026 às 18:37" in Rio time. */
function until(iso: string): string {
  return formatDateTime(iso).replace(' ', ' às ');
}

/**
 * The charge created: what to pay and until when, with the QR code where the channel shows images (the text says how to
 * pay without it), then the copy-and-paste code alone in its own message, so a long press copies exactly the code.
 */
export function created(masked: string, order: CreatedRecharge): BotMessage[] {
  return [
    {
      text:
        `Pronto! Gerei um Pix de ${strong(formatBrl(order.amountCents))} para recarregar o cartão ${masked}. ` +
        `Pague até ${strong(until(order.expiresAt))} (horário de Brasília).\n` +
        'Copie o código da próxima mensagem e cole em "Pix Copia e Cola" no app do seu banco' +
        ' (ou leia o QR Code, se ele aparecer aqui). Eu aviso quando o pagamento cair, com o saldo novo, ' +
        'se os avisos estiverem ativos ("ativar avisos").',
      image: { dataUrl: order.qrCodePng, name: 'pix-recarga.png' },
      standalone: true,
    },
    { text: order.brCode, standalone: true },
  ];
}

const STATUS_LABELS: Readonly<Record<RechargeOrderSummary['status'], string>> = {
  pending: 'aguardando pagamento',
  paid: 'paga',
  expired: 'expirada (não paga)',
  refunding: 'paga, em devolução',
  refunded: 'devolvida',
  refund_failed: 'devolução com problema: ligue 1746',
};

/** How many orders "status do pix" shows: the latest ones. */
export const ORDERS_SHOWN = 5;

/** "status do pix": the latest orders, newest first, with their status. */
export function orderList(orders: RechargeOrderSummary[]): string {
  if (orders.length === 0) return 'Você ainda não pediu recargas por Pix. Para pedir, diga "quero recarregar".';
  const lines = orders.map((order) => {
    const when =
      order.status === 'pending' ? `pague até ${until(order.expiresAt)}` : `pedida em ${formatDateTime(order.createdAt)}`;
    return `• ${formatBrl(order.amountCents)} no cartão ${order.masked}: ${STATUS_LABELS[order.status]} (${when})`;
  });
  return `${orders.length === 1 ? 'Sua última recarga por Pix' : 'Suas últimas recargas por Pix'}:\n${lines.join('\n')}`;
}
