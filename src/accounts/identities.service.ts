import type { Transactions, Tx } from '../db/repository';
import { DomainError, validationError } from '../shared/errors';
import type { AuditService } from '../shared/audit.service';
import type { RequestInfo } from '../shared/request-info';
import type { AccountParticipant } from './accounts.service';
import type { Actor } from '../shared/access';
import { DuplicateIdentity, type IdentitiesRepository } from './identities.repository';
import { identityAccess } from './identity-access';
import { PROVIDER_LABELS, type LinkedIdentity, type SocialProvider, type TicketIdentity } from './identity';
import type { SessionsService, TokenResponse } from './sessions.service';
import { normaliseEmail } from './registration-rules';
import { hashToken, newOpaqueToken } from './tokens';
import type { User } from './user';
import type { UsersRepository } from './users.repository';

export { PROVIDER_LABELS, SOCIAL_PROVIDERS, type LinkedIdentity, type SocialProvider, type TicketIdentity } from './identity';

/** What a social sign-in leads to: a session for a known identity, or a ticket to finish registering. */
export type SocialSignIn =
  { kind: 'tokens'; tokens: TokenResponse } | { kind: 'signup'; ticket: string; email: string | null; expiresAt: Date };

/** Completes a registration that started with a social sign-in (given to the accounts service). */
export interface SignupTicketRedeemer {
  /** Spends the ticket inside the registration transaction; throws a validation error when it is not usable. */
  redeem(tx: Tx, ticket: string): Promise<TicketIdentity>;
  /** Links the identity to the account just created, in the same transaction. */
  attach(tx: Tx, user: User, identity: TicketIdentity, info: RequestInfo): Promise<void>;
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
    private readonly transactions: Transactions,
    private readonly identities: IdentitiesRepository,
    private readonly users: UsersRepository,
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
    return this.transactions.run(async (tx) => {
      const userId = await this.identities.activeUserOf(tx, provider, subject);
      const user = userId ? await this.users.find(userId, ['active'], tx) : null;
      if (user) {
        const tokens = await this.sessions.startSession(tx, user);
        await this.audit.record(tx, 'social_sign_in_succeeded', info, {
          actorId: user.id,
          subjectId: user.id,
          details: { provider },
        });
        return { kind: 'tokens', tokens };
      }
      const ticket = newOpaqueToken();
      const normalised = email ? normaliseEmail(email) : null;
      const expiresAt = await this.identities.createTicket(
        tx,
        ticket.hash,
        { provider, subject, email: normalised, emailVerified: emailVerified && normalised !== null },
        TICKET_TTL_MINUTES,
      );
      await this.audit.record(tx, 'social_signup_started', info, { details: { provider } });
      return { kind: 'signup', ticket: ticket.token, email: normalised, expiresAt };
    });
  }

  /** Spends a signup ticket (one conditional statement, so two registrations with one ticket cannot both succeed). */
  async redeem(tx: Tx, ticket: string): Promise<TicketIdentity> {
    const identity = await this.identities.spendTicket(tx, hashToken(ticket));
    if (!identity) throw validationError([{ field: 'signupTicket', message: INVALID_TICKET }]);
    return identity;
  }

  /** Links the ticket's identity to the account registered with it. */
  async attach(tx: Tx, user: User, identity: TicketIdentity, info: RequestInfo): Promise<void> {
    await this.insertIdentity(tx, user.id, identity.provider, identity.subject, identity.email);
    await this.audit.record(tx, 'identity_linked', info, {
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
    const ownerId = ownerFor(actor, 'link');
    const existing = await this.identities.find(provider, subject);
    if (existing?.userId === ownerId) return { provider, email: existing.email, createdAt: existing.createdAt };
    if (existing) throw identityTaken(provider);
    return this.transactions.run(async (tx) => {
      const identity = await this.insertIdentity(tx, ownerId, provider, subject, email ? normaliseEmail(email) : null);
      await this.audit.record(tx, 'identity_linked', info, {
        actorId: actor.id,
        subjectId: actor.id,
        details: { provider, via: 'link' },
      });
      return identity;
    });
  }

  /**
   * Removes the caller's link to a provider. Every account here has a password, so unlinking never locks the citizen
   * out.
   */
  async unlink(actor: Actor, provider: SocialProvider, info: RequestInfo): Promise<void> {
    const ownerId = ownerFor(actor, 'unlink');
    await this.transactions.run(async (tx) => {
      if (!(await this.identities.remove(tx, ownerId, provider))) {
        throw new DomainError('not-found', `Nenhuma conta ${PROVIDER_LABELS[provider]} vinculada.`);
      }
      await this.audit.record(tx, 'identity_unlinked', info, { actorId: actor.id, subjectId: actor.id, details: { provider } });
    });
  }

  /** The caller's linked providers, oldest first. */
  async list(actor: Actor): Promise<LinkedIdentity[]> {
    return this.identities.listOf(ownerFor(actor, 'list'));
  }

  /** LGPD erasure: the links go (the provider's subject and e-mail are personal data). */
  async onErased(tx: Tx, userId: string): Promise<void> {
    await this.identities.deleteAllOf(tx, userId);
  }

  /** The linked providers in the citizen's data export. */
  async exportSection(tx: Tx, userId: string): Promise<[name: string, data: unknown]> {
    const linked = await this.identities.listOf(userId, tx);
    return [
      'identities',
      linked.map((identity) => ({
        provider: identity.provider,
        email: identity.email,
        linkedAt: identity.createdAt.toISOString(),
      })),
    ];
  }

  /** Links an identity; a unique rule's refusal becomes the conflict the citizen can act on. */
  private async insertIdentity(
    tx: Tx,
    userId: string,
    provider: SocialProvider,
    subject: string,
    email: string | null,
  ): Promise<LinkedIdentity> {
    try {
      return await this.identities.insert(tx, userId, provider, subject, email);
    } catch (error) {
      if (!(error instanceof DuplicateIdentity)) throw error;
      if (error.taken === 'identity') throw identityTaken(provider);
      throw new DomainError(
        'conflict',
        `Sua conta já tem outra conta ${PROVIDER_LABELS[provider]} vinculada. Desvincule-a antes.`,
      );
    }
  }
}

/** The account whose links `action` touches, as the access rule decides it (the caller's own, for every action). */
function ownerFor(actor: Actor, action: keyof typeof identityAccess.rules): string {
  return identityAccess.scope(actor, action).ownerId ?? actor.id;
}

function identityTaken(provider: SocialProvider): DomainError {
  return new DomainError('conflict', `Esta conta ${PROVIDER_LABELS[provider]} já está vinculada a outra conta da Carteira.`);
}
