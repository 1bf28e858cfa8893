import { defineEntity, p } from '@mikro-orm/core';
import { newId } from '../shared/ids';
import { User } from '../accounts/user.entity';

export const CARD_STATUSES = ['active', 'blocked', 'cancelled'] as const;
export type CardStatus = (typeof CARD_STATUSES)[number];

export const BLOCK_REASONS = ['lost', 'stolen', 'damaged', 'other'] as const;
export type BlockReason = (typeof BLOCK_REASONS)[number];

export const LEDGER_ENTRY_TYPES = ['recharge', 'debit', 'transfer_in', 'transfer_out'] as const;
export type LedgerEntryType = (typeof LEDGER_ENTRY_TYPES)[number];

/**
 * A transport card. The balance is in integer centavos and changes only through ledger entries written in the same
 * statement or transaction (the database refuses a negative balance).
 */
export const TransportCardSchema = defineEntity({
  name: 'TransportCard',
  tableName: 'transport_cards',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    owner: () => p.manyToOne(User).fieldName('user_id'),
    number: p.string().columnType('char(16)'),
    status: p.string().length(16).$type<CardStatus>().default('active'),
    balanceCents: p.bigint('number').default(0),
    /** Number of ledger entries; bumped by the same statement that changes the balance (orders the entries). */
    ledgerSeq: p.bigint('number').default(0),
    /** The card that received this one's balance when it was replaced. */
    replacedBy: () => p.manyToOne(TransportCard).fieldName('replaced_by_card_id').nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class TransportCard extends TransportCardSchema.class {}
TransportCardSchema.setClass(TransportCard);
