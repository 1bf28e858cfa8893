import type { CardRef } from '../understanding';
import type { BlockReason, BotMessage, CardStatus, Choice } from '../flows/types';
import { strong } from './format';
import type { CardMiss } from '../flows/card-ref';
import { cardMissed, YES_NO } from './messages.pt-BR';

/** What IPlani says in "2 · Cancelar um cartão". */

export const REASONS: ReadonlyArray<Choice & { value: BlockReason }> = [
  { label: 'Perda', value: 'lost' },
  { label: 'Roubo ou furto', value: 'stolen' },
  { label: 'Cartão danificado', value: 'damaged' },
  { label: 'Outro motivo', value: 'other' },
];

/** A card as an option ("Cartão •••• 1234"). */
export function cardLabel(masked: string): string {
  return `Cartão ${masked}`;
}

export function pickCard(choices: Choice[]): BotMessage {
  return { text: 'Qual cartão você quer cancelar?', choices };
}

export function askReason(masked: string): BotMessage {
  return { text: `Qual o motivo do cancelamento do cartão ${masked}?`, choices: [...REASONS] };
}

export function confirmBlock(masked: string, reason: BlockReason | null): BotMessage {
  const reasonLabel = REASONS.find((r) => r.value === reason)?.label.toLowerCase() ?? '';
  return {
    text:
      `Confirma o bloqueio do cartão ${masked} por ${reasonLabel}? ` +
      'Depois de bloqueado ele não pode ser usado nem recarregado; o saldo fica guardado para um cartão novo.',
    choices: YES_NO,
  };
}

export const HELP = {
  pick: 'Escolha o cartão que você quer bloquear, pelo número da opção ou pelos 4 últimos dígitos.',
  reason: 'Diga por que o cartão vai ser bloqueado: perda, roubo ou furto, dano ou outro motivo.',
  confirm: 'Responda "sim" para bloquear agora o cartão, ou "não" para desistir. "voltar" corrige o motivo.',
};

/** Why an answer was not taken, before the question is asked again. */
export const INVALID = {
  pick: 'Não reconheci esse cartão. Escolha uma das opções.',
  reason: 'Motivo não reconhecido. Escolha uma das opções.',
  confirm: 'Responda "sim" para bloquear ou "não" para desistir.',
};

/**
 * "perdi ou roubaram nao sei": the citizen is asked to choose, told that the block is the same either way. The product
 * documents no reason for not knowing, and a theft is the citizen's claim to make (it is recorded with the block), so
 * IPlani never picks one for them.
 */
export const UNSURE_REASON =
  'Tudo bem não ter certeza: o bloqueio é o mesmo nos dois casos e o saldo fica guardado. ' +
  'Se alguém pode ter levado o cartão, escolha "Roubo ou furto"; se você só não sabe onde ele está, escolha "Perda".';

/** A reason told where the card was asked ("perda" before picking the card): kept, and the card asked again. */
export function reasonNoted(reason: BlockReason): string {
  const label = REASONS.find((r) => r.value === reason)?.label.toLowerCase() ?? '';
  return `Anotei o motivo: ${label}. Falta só escolher o cartão.`;
}

/** "foi na segunda feira" at the reason step: when it happened is noted as said, and what happened asked again. */
export const WHEN_NOT_REASON = 'Entendi quando foi. Agora me diga o que aconteceu com o cartão:';

/** Several cards asked for in one message: one at a time, each with its own confirmation. */
export function oneAtATime(next: CardRef[], all: boolean): string {
  const rest = next.map((card) => ('last4' in card ? `•••• ${card.last4}` : '')).filter((name) => name !== '');
  if (all) return 'Vou bloquear um cartão de cada vez, e cada um só com a sua confirmação.';
  return `Vou bloquear um cartão de cada vez, e cada um só com a sua confirmação. Depois deste, cuido do ${rest.join(', do ')}.`;
}

/** A "no" to the first of several cards: the others were not blocked either. */
export function othersKept(next: CardRef[], all: boolean): string {
  const rest = next.map((card) => ('last4' in card ? `•••• ${card.last4}` : '')).filter((name) => name !== '');
  if (all || rest.length === 0) return 'Não bloqueei nenhum outro cartão.';
  return `Também não bloqueei o ${rest.join(' nem o ')}.`;
}

export const NO_ACTIVE_CARDS = 'Você não tem cartões ativos para cancelar.';
export const KEPT_ACTIVE = 'Tudo bem, o cartão continua ativo. Nada foi alterado.';

export function blocked(masked: string, protocol: string): string {
  return (
    `Cartão ${masked} bloqueado. ✅ Protocolo: ${strong(protocol)}.\n` +
    'Guarde esse número. Para ter um cartão novo com o mesmo saldo, peça a 2ª via no app da Carteira Digital Carioca.'
  );
}

/** A card the citizen named that is not active: said plainly, and nothing else is done to it. */
export function cardNotActive(masked: string, status: CardStatus): string {
  const state = status === 'cancelled' ? 'já está cancelado' : 'já está bloqueado';
  return `O cartão ${masked} ${state}, então não há o que bloquear nele. Nada foi alterado.`;
}

/** A card the citizen named that is none of their active ones: not theirs, more than one, or a place beyond the list. */
export function cardNotFound(miss: CardMiss): string {
  return `${cardMissed(miss, { one: 'cartão ativo', many: 'cartões ativos' })} Nada foi alterado.`;
}

/** Leaving the block flow before confirming: the card was not touched. */
export const NOT_BLOCKED = 'Tudo bem, parei por aqui: o cartão NÃO foi bloqueado e continua ativo.';
