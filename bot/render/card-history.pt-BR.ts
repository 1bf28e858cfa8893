import { formatBrl } from '../../src/transport/money';
import type { CardMiss } from '../flows/card-ref';
import type { BotMessage, CardMovement, CardStatus, Choice } from '../flows/types';
import { cardMissed } from './messages.pt-BR';

/** What IPlani says when a citizen asks for a card's statement ("extrato do meu cartão", "minhas últimas recargas"). */

/** How many movements the chat shows: the last ones, newest first. */
export const HISTORY_SIZE = 5;

const STATUS_LABELS: Readonly<Record<CardStatus, string>> = { active: 'ativo', blocked: 'bloqueado', cancelled: 'cancelado' };

const MOVEMENT_LABELS: Readonly<Record<CardMovement['type'], string>> = {
  recharge: 'Recarga',
  debit: 'Passagem',
  transfer_in: 'Saldo recebido de outro cartão',
  transfer_out: 'Saldo passado para o cartão novo',
};

/** Rio has been on UTC-3 all year since 2019 (as the card filters count days). */
const RIO_OFFSET_MS = -3 * 60 * 60 * 1000;

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * "2026-12-05T21:07:00.000Z" -> "05/12/2026 18:07", in Rio time. Written by hand, like the money, so the text never
 * depends on the ICU data a runtime ships with.
 */
export function formatDateTime(iso: string): string {
  const rio = new Date(new Date(iso).getTime() + RIO_OFFSET_MS);
  return (
    `${two(rio.getUTCDate())}/${two(rio.getUTCMonth() + 1)}/${rio.getUTCFullYear()} ` +
    `${two(rio.getUTCHours())}:${two(rio.getUTCMinutes())}`
  );
}

/** A card as an option: "Cartão •••• 1234", with its status when it is not active. */
export function cardLabel(masked: string, status: CardStatus): string {
  return status === 'active' ? `Cartão ${masked}` : `Cartão ${masked} (${STATUS_LABELS[status]})`;
}

// The question names no statement word: options with every card's digits must not read as each card's statement.
export function pickCard(choices: Choice[]): BotMessage {
  return { text: 'Qual cartão você quer consultar?', choices };
}

/** One movement: "05/12/2026 18:07 · Recarga · + R$ 20,00". */
export function movementLine(movement: CardMovement): string {
  const sign = movement.type === 'recharge' || movement.type === 'transfer_in' ? '+' : '−';
  return `• ${formatDateTime(movement.at)} · ${MOVEMENT_LABELS[movement.type]} · ${sign} ${formatBrl(movement.amountCents)}`;
}

/** The card's last movements, newest first, or that it has none yet. */
export function history(masked: string, movements: CardMovement[]): string {
  if (movements.length === 0) return `O cartão ${masked} ainda não tem movimentações.`;
  const title =
    movements.length === 1 ? `Última movimentação do cartão ${masked}:` : `Últimas movimentações do cartão ${masked}:`;
  return `${title}\n${movements.map(movementLine).join('\n')}`;
}

export const NO_CARDS = 'Você não tem cartões de transporte na carteira.';

/** A card the citizen named that is none of theirs: not theirs, more than one, or a place beyond the list. */
export function cardNotFound(miss: CardMiss): string {
  return cardMissed(miss, { one: 'cartão', many: 'cartões' });
}

export const HELP = 'Escolha o cartão pelo número da opção, pelos 4 últimos dígitos ou pela posição ("o segundo").';
export const INVALID = 'Não reconheci esse cartão. Escolha uma das opções.';

/** "quais cartões eu tenho": each card's last digits and status. */
export function cardList(cards: ReadonlyArray<{ masked: string; status: CardStatus }>): string {
  if (cards.length === 0) return NO_CARDS;
  const lines = cards.map((card) => `• Cartão ${card.masked}: ${STATUS_LABELS[card.status]}`);
  return `${cards.length === 1 ? 'Você tem 1 cartão' : `Você tem ${cards.length} cartões`}:\n${lines.join('\n')}`;
}
