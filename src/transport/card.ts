/**
 * The transport card as the domain knows it: its states, the kinds of ledger entries, and the plain data services hand
 * to the edges. The tables behind them (`transport_cards`, `card_ledger`, `card_blocks`) are reached only through
 * `CardsRepository`.
 */

export const CARD_STATUSES = ['active', 'blocked', 'cancelled'] as const;
export type CardStatus = (typeof CARD_STATUSES)[number];

export const BLOCK_REASONS = ['lost', 'stolen', 'damaged', 'other'] as const;
export type BlockReason = (typeof BLOCK_REASONS)[number];

export const LEDGER_ENTRY_TYPES = ['recharge', 'debit', 'transfer_in', 'transfer_out'] as const;
export type LedgerEntryType = (typeof LEDGER_ENTRY_TYPES)[number];

/** A card as services hand it to the edges (plain data: it is also stored as an idempotent result). */
export interface CardSummary {
  id: string;
  /** Full 16-digit number; edges decide where it may be shown (lists show it masked). */
  number: string;
  maskedNumber: string;
  status: CardStatus;
  balanceCents: number;
  /** The card that received this card's balance when it was replaced. */
  replacedByCardId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One ledger entry. Entries are immutable; `balanceAfterCents` is the card's balance right after it. */
export interface LedgerEntry {
  id: string;
  cardId: string;
  type: LedgerEntryType;
  amountCents: number;
  balanceAfterCents: number;
  description: string;
  idempotencyKey: string | null;
  /** The other card of a transfer (replacement). */
  counterpartCardId: string | null;
  createdAt: string;
}

/** The result of a recharge or a debit. */
export interface BalanceChange {
  transaction: LedgerEntry;
  balanceCents: number;
}

/** The result of blocking a card: the card and the protocol number the citizen keeps. */
export interface CardBlock {
  card: CardSummary;
  /** `YYYY-NNNNNN`, unique (a database sequence). */
  protocol: string;
}

/** History filters; `from`/`to` are `YYYY-MM-DD` (a whole day, Rio time) or ISO 8601 instants, both inclusive. */
export interface HistoryFilter {
  type?: string;
  from?: string;
  to?: string;
}

/** A card in the citizen's data export: with its block record and its full ledger, oldest first. */
export interface CardExport extends CardSummary {
  block: { protocol: string; reason: string; blockedAt: string } | null;
  transactions: LedgerEntry[];
}
