import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Repository, type Tx } from '../db/repository';
import { newId } from '../shared/ids';
import type { LinkedIdentity, SocialProvider, TicketIdentity } from './identity';

/** A link with this identity already exists: `'identity'` on another account, `'provider'` this provider on this account. */
export class DuplicateIdentity extends Error {
  constructor(readonly taken: 'identity' | 'provider') {
    super(`duplicate identity (${taken})`);
    this.name = 'DuplicateIdentity';
  }
}

/** Who an identity is linked to. */
export interface IdentityLink extends LinkedIdentity {
  userId: string;
}

/**
 * Provider identities linked to accounts (`user_identities`, unique by provider and subject, and by account and
 * provider) and the signup tickets of first sign-ins (`signup_tickets`, stored as hashes).
 */
export class IdentitiesRepository extends Repository {
  /** The active account this identity is linked to, or null. */
  async activeUserOf(tx: Tx, provider: SocialProvider, subject: string): Promise<string | null> {
    const row = await this.row<{ user_id: string }>(
      `select i.user_id from user_identities i join users u on u.id = i.user_id
        where i.provider = ? and i.subject = ? and u.status = 'active'`,
      [provider, subject],
      tx,
    );
    return row?.user_id ?? null;
  }

  /** The link of this identity (to any account), or null. */
  async find(provider: SocialProvider, subject: string): Promise<IdentityLink | null> {
    const row = await this.row<{ user_id: string; email: string | null; created_at: string | Date }>(
      'select user_id, email, created_at from user_identities where provider = ? and subject = ?',
      [provider, subject],
    );
    return row ? { userId: row.user_id, provider, email: row.email, createdAt: new Date(row.created_at) } : null;
  }

  /** Links the identity to the account; {@link DuplicateIdentity} when either unique rule refuses it. */
  async insert(tx: Tx, userId: string, provider: SocialProvider, subject: string, email: string | null): Promise<LinkedIdentity> {
    try {
      const row = await this.row<{ created_at: string | Date }>(
        `insert into user_identities (id, user_id, provider, subject, email) values (?, ?, ?, ?, ?) returning created_at`,
        [newId(), userId, provider, subject, email],
        tx,
      );
      return { provider, email, createdAt: new Date(row!.created_at) };
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      throw new DuplicateIdentity(error.message.includes('user_identities_user_provider_key') ? 'provider' : 'identity');
    }
  }

  /** Removes the account's link to `provider`; false when there was none. */
  async remove(tx: Tx, userId: string, provider: SocialProvider): Promise<boolean> {
    return (await this.run('delete from user_identities where user_id = ? and provider = ?', [userId, provider], tx)) > 0;
  }

  /** The account's linked providers, oldest first. */
  async listOf(userId: string, tx?: Tx): Promise<LinkedIdentity[]> {
    const rows = await this.rows<{ provider: SocialProvider; email: string | null; created_at: string | Date }>(
      'select provider, email, created_at from user_identities where user_id = ? order by created_at, provider',
      [userId],
      tx,
    );
    return rows.map((row) => ({ provider: row.provider, email: row.email, createdAt: new Date(row.created_at) }));
  }

  /** LGPD erasure: every link of the account goes. */
  async deleteAllOf(tx: Tx, userId: string): Promise<void> {
    await this.run('delete from user_identities where user_id = ?', [userId], tx);
  }

  /**
   * Stores a signup ticket (by hash) valid for `ttlMinutes`, and returns its expiry. Tickets spent or expired for an
   * hour go first: clearing them here keeps the table small without a background job.
   */
  async createTicket(tx: Tx, ticketHash: string, identity: TicketIdentity, ttlMinutes: number): Promise<Date> {
    await this.run(`delete from signup_tickets where expires_at < now() - interval '1 hour'`, [], tx);
    const row = await this.row<{ expires_at: string | Date }>(
      `insert into signup_tickets (hash, provider, subject, email, email_verified, expires_at)
       values (?, ?, ?, ?, ?, now() + make_interval(mins => ?)) returning expires_at`,
      [ticketHash, identity.provider, identity.subject, identity.email, identity.emailVerified, ttlMinutes],
      tx,
    );
    return new Date(row!.expires_at);
  }

  /** Spends the unused, unexpired ticket with this hash in one conditional statement; null when it is not usable. */
  async spendTicket(tx: Tx, ticketHash: string): Promise<TicketIdentity | null> {
    const row = await this.row<{ provider: SocialProvider; subject: string; email: string | null; email_verified: boolean }>(
      `update signup_tickets set used_at = now()
        where hash = ? and used_at is null and expires_at > now()
        returning provider, subject, email, email_verified`,
      [ticketHash],
      tx,
    );
    return row ? { provider: row.provider, subject: row.subject, email: row.email, emailVerified: row.email_verified } : null;
  }
}
