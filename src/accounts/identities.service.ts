import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '../db/orm';
import { DomainError, validationError } from '../shared/errors';
import { newId } from '../shared/ids';
import type { AuditService } from '../shared/audit.service';
import type { RequestInfo } from '../shared/request-info';
import type { AccountParticipant } from './accounts.service';
import type { Actor } from '../shared/access';
import type { SessionsService, TokenResponse } from './sessions.service';
import { normaliseEmail } from './registration-rules';
import { hashToken, newOpaqueToken } from './tokens';
import { User } from './user.entity';

export const SOCIAL_PROVIDERS = ['google', 'meta'] as const;
export type SocialProvider = (typeof SOCIAL_PROVIDERS)[number];

export const PROVIDER_LABELS: Record<SocialProvider, string> = { google: 'Google', meta: 'Meta (Facebook)' };

/** A provider account linked to a citizen. */
export interface LinkedIdentity {
  provider: SocialProvider;
  email: string | null;
  createdAt: Date;
}

/** What a social sign-in leads to: a session for a known identity, or a ticket to finish registering. */
export type SocialSignIn =
  { kind: 'tokens'; tokens: TokenResponse } | { kind: 'signup'; ticket: string; email: string | null; expiresAt: Date };

/** The provider identity a signup ticket vouches for. */
export interface TicketIdentity {
  provider: SocialProvider;
  subject: string;
  email: string | null;
  emailVerified: boolean;
}

/** Completes a registration that started with a social sign-in (plugged into the accounts service). */
export interface SignupTicketRedeemer {
  /** Spends the ticket inside the registration transaction; throws a validation error when it is not usable. */
  redeem(em: EntityManager, ticket: string): Promise<TicketIdentity>;
  /** Links the identity to the account just created, in the same transaction. */
  attach(em: EntityManager, user: User, identity: TicketIdentity, info: RequestInfo): Promise<void>;
}

const TICKET_TTL_MINUTES = 15;
const INVALID_TICKET = 'Este acesso com Google ou Meta expirou ou já foi usado. Entre novamente pelo provedor.';

/**
 * Identities from Google and Meta, linked to citizens by (provider, subject): the provider's stable account id, never
 * the e-mail. An unknown identity never attaches itself to an account with the same e-mail (whoever controls a
 * provider account with that address would take the wallet over): it gets a signup ticket instead, and a citizen who
 * already has an account links the provider while signed in.
 */
export class IdentitiesService implements AccountParticipant, SignupTicketRedeemer {
  constructor(
    private readonly em: EntityManager,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
  ) {}

  /**
   * A sign-in vouched for by a provider. A known identity of an active account starts a session (the same token
   * response as the password grant); an unknown one gets a 15-minute, single-use signup ticket for
   * `POST /v1/auth/register`.
   */
  async signInWithIdentity(
    provider: SocialProvider,
    subject: string,
    email: string | null,
    emailVerified: boolean,
    info: RequestInfo,
  ): Promise<SocialSignIn> {
    return this.em.fork().transactional(async (em) => {
      const rows = await em.execute<{ user_id: string }[]>(
        `select i.user_id from user_identities i join users u on u.id = i.user_id
          where i.provider = ? and i.subject = ? and u.status = 'active'`,
        [provider, subject],
      );
      const user = rows[0] ? await em.findOne(User, { id: rows[0].user_id, status: 'active' }) : null;
      if (user) {
        const tokens = await this.sessions.startSession(em, user);
        await this.audit.record(em, 'social_sign_in_succeeded', info, {
          actorId: user.id,
          subjectId: user.id,
          details: { provider },
        });
        return { kind: 'tokens', tokens };
      }
      // Spent and expired tickets are useless; clearing them here keeps the table small without a background job.
      await em.execute(`delete from signup_tickets where expires_at < now() - interval '1 hour'`);
      const ticket = newOpaqueToken();
      const normalised = email ? normaliseEmail(email) : null;
      const created = await em.execute<{ expires_at: string | Date }[]>(
        `insert into signup_tickets (hash, provider, subject, email, email_verified, expires_at)
         values (?, ?, ?, ?, ?, now() + make_interval(mins => ?)) returning expires_at`,
        [ticket.hash, provider, subject, normalised, emailVerified && normalised !== null, TICKET_TTL_MINUTES],
      );
      await this.audit.record(em, 'social_signup_started', info, { details: { provider } });
      return { kind: 'signup', ticket: ticket.token, email: normalised, expiresAt: new Date(created[0].expires_at) };
    });
  }

  /** Spends a signup ticket (row-locked, so two registrations with one ticket cannot both succeed). */
  async redeem(em: EntityManager, ticket: string): Promise<TicketIdentity> {
    const rows = await em.execute<{ provider: SocialProvider; subject: string; email: string | null; email_verified: boolean }[]>(
      `update signup_tickets set used_at = now()
        where hash = ? and used_at is null and expires_at > now()
        returning provider, subject, email, email_verified`,
      [hashToken(ticket)],
    );
    const row = rows[0];
    if (!row) throw validationError([{ field: 'signupTicket', message: INVALID_TICKET }]);
    return { provider: row.provider, subject: row.subject, email: row.email, emailVerified: row.email_verified };
  }

  /** Links the ticket's identity to the account registered with it. */
  async attach(em: EntityManager, user: User, identity: TicketIdentity, info: RequestInfo): Promise<void> {
    await this.insertIdentity(em, user.id, identity.provider, identity.subject, identity.email);
    await this.audit.record(em, 'identity_linked', info, {
      actorId: user.id,
      subjectId: user.id,
      details: { provider: identity.provider, via: 'signup' },
    });
  }

  /**
   * Links a provider identity to the signed-in citizen. Linking the same identity again changes nothing; an identity
   * linked to another account, or a second account of the same provider, is a conflict.
   */
  async link(
    actor: Actor,
    provider: SocialProvider,
    subject: string,
    email: string | null,
    info: RequestInfo,
  ): Promise<LinkedIdentity> {
    const em = this.em.fork();
    const existing = await em.execute<{ user_id: string; email: string | null; created_at: string | Date }[]>(
      'select user_id, email, created_at from user_identities where provider = ? and subject = ?',
      [provider, subject],
    );
    if (existing[0]?.user_id === actor.id) {
      return { provider, email: existing[0].email, createdAt: new Date(existing[0].created_at) };
    }
    if (existing[0]) {
      throw new DomainError('conflict', `Esta conta ${PROVIDER_LABELS[provider]} já está vinculada a outra conta da Carteira.`);
    }
    try {
      return await em.transactional(async (tem) => {
        const identity = await this.insertIdentity(tem, actor.id, provider, subject, email ? normaliseEmail(email) : null);
        await this.audit.record(tem, 'identity_linked', info, {
          actorId: actor.id,
          subjectId: actor.id,
          details: { provider, via: 'link' },
        });
        return identity;
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new DomainError(
          'conflict',
          error.message.includes('user_identities_user_provider_key')
            ? `Sua conta já tem outra conta ${PROVIDER_LABELS[provider]} vinculada. Desvincule-a antes.`
            : `Esta conta ${PROVIDER_LABELS[provider]} já está vinculada a outra conta da Carteira.`,
        );
      }
      throw error;
    }
  }

  /**
   * Removes the caller's link to a provider. Every account here has a password, so unlinking never locks the citizen
   * out.
   */
  async unlink(actor: Actor, provider: SocialProvider, info: RequestInfo): Promise<void> {
    await this.em.fork().transactional(async (em) => {
      const rows = await em.execute<{ id: string }[]>(
        'delete from user_identities where user_id = ? and provider = ? returning id',
        [actor.id, provider],
      );
      if (rows.length === 0) throw new DomainError('not-found', `Nenhuma conta ${PROVIDER_LABELS[provider]} vinculada.`);
      await this.audit.record(em, 'identity_unlinked', info, { actorId: actor.id, subjectId: actor.id, details: { provider } });
    });
  }

  /** The caller's linked providers, oldest first. */
  async list(actor: Actor): Promise<LinkedIdentity[]> {
    const rows = await this.em
      .fork()
      .execute<{ provider: SocialProvider; email: string | null; created_at: string | Date }[]>(
        'select provider, email, created_at from user_identities where user_id = ? order by created_at, provider',
        [actor.id],
      );
    return rows.map((row) => ({ provider: row.provider, email: row.email, createdAt: new Date(row.created_at) }));
  }

  /** LGPD erasure: the links go (the provider's subject and e-mail are personal data). */
  async onErased(em: EntityManager, userId: string): Promise<void> {
    await em.execute('delete from user_identities where user_id = ?', [userId]);
  }

  /** The linked providers in the citizen's data export. */
  async exportSection(em: EntityManager, userId: string): Promise<[name: string, data: unknown]> {
    const rows = await em.execute<{ provider: string; email: string | null; created_at: string | Date }[]>(
      'select provider, email, created_at from user_identities where user_id = ? order by created_at',
      [userId],
    );
    return [
      'identities',
      rows.map((row) => ({ provider: row.provider, email: row.email, linkedAt: new Date(row.created_at).toISOString() })),
    ];
  }

  private async insertIdentity(
    em: EntityManager,
    userId: string,
    provider: SocialProvider,
    subject: string,
    email: string | null,
  ): Promise<LinkedIdentity> {
    const rows = await em.execute<{ created_at: string | Date }[]>(
      `insert into user_identities (id, user_id, provider, subject, email) values (?, ?, ?, ?, ?) returning created_at`,
      [newId(), userId, provider, subject, email],
    );
    return { provider, email, createdAt: new Date(rows[0].created_at) };
  }
}
