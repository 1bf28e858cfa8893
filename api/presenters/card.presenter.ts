import type { BalanceChange, CardBlock, CardSummary, LedgerEntry } from '../../src/transport/cards.service';

/** A card in lists: the number only masked (`•••• 1234`). */
export interface CardListItemView {
  id: string;
  /** `•••• 1234` */
  maskedNumber: string;
  status: 'active' | 'blocked' | 'cancelled';
  /** Integer centavos. */
  balanceCents: number;
  /** The card that received this one's balance when it was replaced. */
  replacedByCardId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One card, asked for by id: also the full 16-digit number (with its check digit) the citizen may need to type. */
export interface CardView extends CardListItemView {
  number: string;
}

/** A ledger entry; `balanceAfterCents` is the card's balance right after it. */
export interface TransactionView {
  id: string;
  cardId: string;
  type: 'recharge' | 'debit' | 'transfer_in' | 'transfer_out';
  /** Always positive; `type` says the direction. */
  amountCents: number;
  balanceAfterCents: number;
  description: string;
  idempotencyKey: string | null;
  counterpartCardId: string | null;
  createdAt: string;
}

export interface BalanceChangeView {
  transaction: TransactionView;
  /** The card's balance right after this operation. */
  balanceCents: number;
}

export interface CardBlockView {
  card: CardView;
  /** Protocol number of the block, `YYYY-NNNNNN`. */
  protocol: string;
}

export function presentCardListItem(card: CardSummary): CardListItemView {
  return {
    id: card.id,
    maskedNumber: card.maskedNumber,
    status: card.status,
    balanceCents: card.balanceCents,
    replacedByCardId: card.replacedByCardId,
    createdAt: card.createdAt,
    updatedAt: card.updatedAt,
  };
}

export function presentCard(card: CardSummary): CardView {
  return { ...presentCardListItem(card), number: card.number };
}

export function presentTransaction(entry: LedgerEntry): TransactionView {
  return {
    id: entry.id,
    cardId: entry.cardId,
    type: entry.type,
    amountCents: entry.amountCents,
    balanceAfterCents: entry.balanceAfterCents,
    description: entry.description,
    idempotencyKey: entry.idempotencyKey,
    counterpartCardId: entry.counterpartCardId,
    createdAt: entry.createdAt,
  };
}

export function presentBalanceChange(change: BalanceChange): BalanceChangeView {
  return { transaction: presentTransaction(change.transaction), balanceCents: change.balanceCents };
}

export function presentCardBlock(block: CardBlock): CardBlockView {
  return { card: presentCard(block.card), protocol: block.protocol };
}
