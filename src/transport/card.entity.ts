import { defineEntity, p } from '@mikro-orm/core';
import { newId } from '../shared/ids';
import { User } from '../accounts/user.entity';

export const CARD_STATUSES = ['active', 'blocked', 'cancelled'] as const;
export type CardStatus = (typeof CARD_STATUSES)[number];

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
    number: p.string().length(16),
    status: p.string().$type<CardStatus>().default('active'),
    balanceCents: p.bigint('number').default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class TransportCard extends TransportCardSchema.class {}
TransportCardSchema.setClass(TransportCard);
