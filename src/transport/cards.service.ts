import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '../db/orm';
import type { User } from '../accounts/user.entity';
import type { AccountParticipant } from '../accounts/accounts.service';
import { newId } from '../shared/ids';
import { generateCardNumber } from './card-number';

/**
 * Transport cards. This is the part accounts need (issuing the citizen's first card at registration, exporting cards);
 * balances, the ledger, blocking and replacement build on it.
 */
export class CardsService implements AccountParticipant {
  /** Issues a new active card with zero balance for the user, inside the caller's transaction. */
  async issueCard(em: EntityManager, userId: string): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const id = newId();
      try {
        // A savepoint so a (very unlikely) number collision does not abort the surrounding transaction.
        await em.transactional(async (tem) => {
          await tem.execute(
            `insert into transport_cards (id, user_id, number, status, balance_cents) values (?, ?, ?, 'active', 0)`,
            [id, userId, generateCardNumber()],
          );
        });
        return id;
      } catch (error) {
        if (!(error instanceof UniqueConstraintViolationException) || attempt >= 5) throw error;
      }
    }
  }

  /** Every citizen starts with one card. */
  async onRegistered(em: EntityManager, user: User): Promise<void> {
    await this.issueCard(em, user.id);
  }

  /** The citizen's cards for the data export. */
  async exportSection(em: EntityManager, userId: string): Promise<[string, unknown]> {
    const cards = await em.execute(
      `select id, number, status, balance_cents as "balanceCents", created_at as "createdAt"
         from transport_cards where user_id = ? order by id`,
      [userId],
    );
    return ['cards', cards.map((card: Record<string, unknown>) => ({ ...card, balanceCents: Number(card.balanceCents) }))];
  }
}
