import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '../db/orm';
import { DomainError, validationError, type FieldError } from '../shared/errors';
import { isValidCpf, normaliseCpf } from '../shared/cpf';
import type { AuditService } from '../shared/audit.service';
import type { RequestInfo } from '../shared/request-info';
import { type Page, type PageRequest, pageOf } from '../shared/pagination';
import { isUuid, newId } from '../shared/ids';
import { systemClock, type Clock } from '../shared/clock';
import { User, type UserStatus } from './user.entity';
import type { Role } from '../shared/access';
import type { PasswordHasher } from './password-hashing';
import { checkPassword } from './password-policy';
import {
  normaliseEmail,
  normaliseFullName,
  normalisePhone,
  validateBirthDate,
  validateEmail,
  validateFullName,
  validatePhone,
} from './registration-rules';
import { type Actor, requireAdmin } from './policies';
import { PROVIDER_LABELS, type SignupTicketRedeemer } from './identities.service';
import type { Reauthenticator, ReauthenticationProof } from './reauthentication';
import type { AccountNotices } from './account-notices';
import { hashToken, newOpaqueToken } from './tokens';

export interface RegisterInput {
  fullName: string;
  email: string;
  cpf: string;
  birthDate: string;
  phone: string;
  password: string;
  /** Completes a first sign-in with Google or Meta: the provider's identity is linked to the new account. */
  signupTicket?: string;
}

export interface ProfilePatch {
  fullName?: string;
  email?: string;
  phone?: string;
}

export interface AdminUserPatch extends ProfilePatch {
  role?: Role;
  /** `suspended` ends every session and refuses sign-in until an admin sets `active` again. */
  status?: Exclude<UserStatus, 'erased'>;
}

/** Settings of account changes. */
export interface AccountSettings {
  /** How long the notice sent to the old address can undo an e-mail change. */
  emailChangeUndoTtlHours: number;
}

/** Statuses of the accounts an admin manages (an erased account is gone for everyone). */
const MANAGED: UserStatus[] = ['active', 'suspended'];

/** Something that must happen to a citizen's data in other modules when the account is created or erased. */
export interface AccountParticipant {
  /** Runs inside the registration transaction (e.g. issue the first transport card). */
  onRegistered?(em: EntityManager, user: User): Promise<void>;
  /** Runs inside the erasure transaction: delete or pseudonymise everything personal this module holds. */
  onErased?(em: EntityManager, userId: string): Promise<void>;
  /** Contributes a section to the citizen's data export. */
  exportSection?(em: EntityManager, userId: string): Promise<[name: string, data: unknown]>;
}

/** Called by the sessions service when an account's sessions must end. */
export interface SessionRevoker {
  revokeAllSessions(em: EntityManager, userId: string, exceptSessionId?: string): Promise<void>;
}

/** Registration, profile, password change, LGPD erasure and export, and the admin's user management. */
export class AccountsService {
  constructor(
    private readonly em: EntityManager,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly sessions: SessionRevoker,
    private readonly reauth: Reauthenticator,
    private readonly notices: AccountNotices,
    private readonly settings: AccountSettings,
    /** The other modules that take part in registration, erasure and export, in the order they run. */
    private readonly participants: readonly AccountParticipant[],
    /** Redeems the signup tickets of first sign-ins with Google or Meta. */
    private readonly signupTickets: SignupTicketRedeemer,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Creates a citizen account and, in the same transaction, whatever the participants add (the first transport card).
   * Every field is validated first (all errors at once); uniqueness of CPF and e-mail is decided by the database, so of
   * two concurrent identical registrations exactly one succeeds and the other gets `conflict`.
   * With a `signupTicket` (a first Google/Meta sign-in) the ticket is spent and the provider identity linked in the
   * same transaction; when the provider vouched for the e-mail, the account must use that e-mail.
   */
  async register(input: RegisterInput, info: RequestInfo): Promise<User> {
    const errors: FieldError[] = [];
    const check = (field: string, message: string | null) => {
      if (message) errors.push({ field, message });
    };
    check('fullName', validateFullName(input.fullName));
    check('email', validateEmail(input.email));
    check('cpf', isValidCpf(input.cpf) ? null : 'CPF inválido: confira os dígitos.');
    check('birthDate', validateBirthDate(input.birthDate, this.clock.now()));
    check('phone', validatePhone(input.phone));
    check('password', checkPassword(input.password, { cpf: input.cpf, birthDate: input.birthDate, email: input.email }));
    if (errors.length > 0) throw validationError(errors);

    const passwordHash = await this.hasher.hashPassword(input.password);
    try {
      return await this.em.transactional(async (em) => {
        const identity = input.signupTicket ? await this.signupTickets.redeem(em, input.signupTicket) : undefined;
        if (identity?.emailVerified && identity.email !== normaliseEmail(input.email)) {
          throw validationError([
            {
              field: 'email',
              message: `Use o e-mail confirmado pelo ${PROVIDER_LABELS[identity.provider]}: ${identity.email}.`,
            },
          ]);
        }
        const user = em.create(User, {
          fullName: normaliseFullName(input.fullName),
          email: normaliseEmail(input.email),
          cpf: normaliseCpf(input.cpf),
          birthDate: input.birthDate,
          phone: normalisePhone(input.phone),
          passwordHash,
          role: 'citizen',
          status: 'active',
        });
        await em.flush();
        if (identity) await this.signupTickets.attach(em, user, identity, info);
        for (const participant of this.participants) await participant.onRegistered?.(em, user);
        await this.audit.record(em, 'account_registered', info, { actorId: user.id, subjectId: user.id });
        return user;
      });
    } catch (error) {
      throw this.uniquenessError(error) ?? error;
    }
  }

  /** The caller's own profile; an erased account is gone. */
  async getProfile(actor: Actor): Promise<User> {
    return this.findActive(actor.id);
  }

  /**
   * Changes name, e-mail or phone (the only editable fields); validated like registration. A new e-mail needs
   * re-authentication in `proof` (a stolen access token alone must not be enough to take the account through a password
   * reset), and the old address is told, with a one-time code that undoes the change.
   */
  async updateProfile(actor: Actor, patch: ProfilePatch, proof: ReauthenticationProof, info: RequestInfo): Promise<User> {
    return this.applyPatch(actor, actor.id, patch, proof, info);
  }

  /**
   * Changes the password after re-authentication (the current password, or a second-factor code when the account has
   * one); ends every other session of the account and tells the citizen by e-mail.
   */
  async changePassword(actor: Actor, proof: ReauthenticationProof, newPassword: string, info: RequestInfo): Promise<void> {
    const user = await this.findActive(actor.id);
    const policy = checkPassword(newPassword, {
      cpf: user.cpf ?? undefined,
      birthDate: user.birthDate ?? undefined,
      email: user.email ?? undefined,
    });
    if (policy) throw validationError([{ field: 'newPassword', message: policy }]);
    await this.reauth.confirm(this.em, actor.id, proof, info);
    const hash = await this.hasher.hashPassword(newPassword);
    await this.em.transactional(async (em) => {
      await em.nativeUpdate(User, { id: user.id }, { passwordHash: hash });
      await this.sessions.revokeAllSessions(em, user.id, actor.sessionId);
      await this.audit.record(em, 'password_changed', info, { actorId: actor.id, subjectId: user.id });
    });
    if (user.email) await this.notices.passwordChanged(user.email, user.fullName);
  }

  /**
   * Undoes an e-mail change with the one-time code mailed to the old address: the old address comes back, every
   * session of the account ends (whoever changed it is signed out) and pending password-reset links stop working.
   * Answers `validation-error` for an unknown, used or expired code; `conflict` when the old address has meanwhile
   * been taken by another account.
   */
  async undoEmailChange(code: string, info: RequestInfo): Promise<void> {
    const invalid = validationError([{ field: 'token', message: 'Código inválido, expirado ou já utilizado.' }]);
    try {
      await this.em.transactional(async (em) => {
        const rows = await em.execute<{ id: string; user_id: string; previous_email: string }[]>(
          `update email_change_undo_tokens set used_at = ?
            where token_hash = ? and used_at is null and expires_at > ?
            returning id, user_id, previous_email`,
          [this.clock.now(), hashToken(code), this.clock.now()],
        );
        const row = rows[0];
        if (!row) throw invalid;
        const user = await em.findOne(User, { id: row.user_id, status: { $in: MANAGED } });
        if (!user) throw invalid;
        user.email = row.previous_email;
        await em.flush();
        await this.sessions.revokeAllSessions(em, user.id);
        await em.execute('update password_reset_tokens set used_at = now() where user_id = ? and used_at is null', [user.id]);
        await this.audit.record(em, 'email_change_undone', info, { subjectId: user.id });
      });
    } catch (error) {
      throw this.uniquenessError(error) ?? error;
    }
  }

  /**
   * LGPD erasure: every participant deletes what it holds (documents and their files, conversations, link codes...),
   * personal data on the account is cleared, sessions end, and the account can no longer sign in. The row stays as a
   * pseudonymous id for the ledger and the audit trail.
   */
  async erase(actor: Actor, userId: string, info: RequestInfo): Promise<void> {
    if (actor.id !== userId) requireAdmin(actor);
    await this.findUser(userId, actor.id === userId ? ['active'] : MANAGED);
    await this.em.transactional(async (em) => {
      for (const participant of this.participants) await participant.onErased?.(em, userId);
      await this.sessions.revokeAllSessions(em, userId);
      await em.execute('delete from password_reset_tokens where user_id = ?', [userId]);
      await em.execute('delete from email_change_undo_tokens where user_id = ?', [userId]);
      await em.nativeUpdate(
        User,
        { id: userId },
        {
          fullName: 'Titular removido',
          email: null,
          cpf: null,
          birthDate: null,
          phone: null,
          passwordHash: null,
          status: 'erased',
          erasedAt: this.clock.now(),
        },
      );
      await this.audit.record(em, 'account_erased', info, { actorId: actor.id, subjectId: userId });
    });
  }

  /** Everything the wallet holds about the caller, as one JSON-ready object (LGPD access and portability). */
  async exportData(actor: Actor): Promise<Record<string, unknown>> {
    const user = await this.findActive(actor.id);
    const result: Record<string, unknown> = {
      exportedAt: this.clock.now().toISOString(),
      profile: {
        id: user.id,
        fullName: user.fullName,
        email: user.email,
        cpf: user.cpf,
        birthDate: user.birthDate,
        phone: user.phone,
        role: user.role,
        createdAt: user.createdAt.toISOString(),
      },
    };
    for (const participant of this.participants) {
      if (!participant.exportSection) continue;
      const [name, data] = await participant.exportSection(this.em, user.id);
      result[name] = data;
    }
    return result;
  }

  /** Admin: users page by page (newest last), optionally filtered by a name/e-mail fragment; suspended ones included. */
  async listUsers(actor: Actor, page: PageRequest, search?: string): Promise<Page<User>> {
    requireAdmin(actor);
    const where: Record<string, unknown> = { status: { $in: MANAGED } };
    if (page.cursor) where.id = { $gt: page.cursor };
    if (search?.trim()) {
      const like = `%${search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.$or = [{ fullName: { $ilike: like } }, { email: { $ilike: like } }];
    }
    const rows = await this.em.find(User, where, { orderBy: { id: 'asc' }, limit: page.limit + 1 });
    return pageOf(rows, page.limit, (user) => user.id);
  }

  /** Admin: one user (active or suspended). */
  async getUser(actor: Actor, userId: string): Promise<User> {
    requireAdmin(actor);
    return this.findUser(userId, MANAGED);
  }

  /**
   * Admin: change a user's profile fields, role or status; role and status changes are audited. Suspending ends every
   * session of the account at once (its access tokens stop working) and refuses sign-in until reactivated. A new
   * e-mail needs the admin's own re-authentication, as for a citizen's own change.
   */
  async updateUser(
    actor: Actor,
    userId: string,
    patch: AdminUserPatch,
    proof: ReauthenticationProof,
    info: RequestInfo,
  ): Promise<User> {
    requireAdmin(actor);
    if (patch.status !== undefined && userId === actor.id) {
      throw validationError([{ field: 'status', message: 'Um administrador não pode suspender a própria conta.' }]);
    }
    return this.applyPatch(actor, userId, patch, proof, info);
  }

  /** Grants the admin role to the active account with this e-mail (the first admin of a deployment). */
  async grantAdminByEmail(email: string, info: RequestInfo): Promise<boolean> {
    return this.em.transactional(async (em) => {
      const user = await em.findOne(User, { email: normaliseEmail(email), status: 'active' });
      if (!user) return false;
      if (user.role !== 'admin') {
        user.role = 'admin';
        await this.audit.record(em, 'role_changed', info, { subjectId: user.id, details: { role: 'admin', via: 'bootstrap' } });
      }
      return true;
    });
  }

  private async applyPatch(
    actor: Actor,
    userId: string,
    patch: AdminUserPatch,
    proof: ReauthenticationProof,
    info: RequestInfo,
  ): Promise<User> {
    const errors: FieldError[] = [];
    if (patch.fullName !== undefined) {
      const message = validateFullName(patch.fullName);
      if (message) errors.push({ field: 'fullName', message });
    }
    if (patch.email !== undefined) {
      const message = validateEmail(patch.email);
      if (message) errors.push({ field: 'email', message });
    }
    if (patch.phone !== undefined) {
      const message = validatePhone(patch.phone);
      if (message) errors.push({ field: 'phone', message });
    }
    if (errors.length > 0) throw validationError(errors);
    const statuses = actor.id === userId ? (['active'] as UserStatus[]) : MANAGED;
    const current = await this.findUser(userId, statuses);
    const newEmail = patch.email === undefined ? undefined : normaliseEmail(patch.email);
    const previousEmail = newEmail !== undefined && newEmail !== current.email ? current.email : undefined;
    // Only an actual change of address needs the proof: a client resending the whole profile is not asked for it.
    if (newEmail !== undefined && newEmail !== current.email) await this.reauth.confirm(this.em, actor.id, proof, info);
    const undo = previousEmail ? newOpaqueToken() : undefined;
    let user: User;
    try {
      user = await this.em.transactional(async (em) => {
        const user = await em.findOne(User, { id: userId, status: { $in: statuses } });
        if (!user) throw new DomainError('not-found', 'Usuário não encontrado.');
        if (patch.fullName !== undefined) user.fullName = normaliseFullName(patch.fullName);
        if (newEmail !== undefined) user.email = newEmail;
        if (patch.phone !== undefined) user.phone = normalisePhone(patch.phone);
        if (patch.role !== undefined && patch.role !== user.role) {
          await this.audit.record(em, 'role_changed', info, {
            actorId: actor.id,
            subjectId: user.id,
            details: { from: user.role, to: patch.role },
          });
          user.role = patch.role;
        }
        if (patch.status !== undefined && patch.status !== user.status) {
          user.status = patch.status;
          if (patch.status === 'suspended') await this.sessions.revokeAllSessions(em, user.id);
          await this.audit.record(em, patch.status === 'suspended' ? 'account_suspended' : 'account_reactivated', info, {
            actorId: actor.id,
            subjectId: user.id,
          });
        }
        await em.flush();
        if (undo && previousEmail) {
          await em.execute(
            `insert into email_change_undo_tokens (id, user_id, token_hash, previous_email, expires_at) values (?, ?, ?, ?, ?)`,
            [
              newId(),
              user.id,
              undo.hash,
              previousEmail,
              new Date(this.clock.now().getTime() + this.settings.emailChangeUndoTtlHours * 3_600_000),
            ],
          );
        }
        await this.audit.record(em, 'account_updated', info, {
          actorId: actor.id,
          subjectId: user.id,
          details: { fields: Object.keys(patch).filter((key) => patch[key as keyof AdminUserPatch] !== undefined) },
        });
        return user;
      });
    } catch (error) {
      throw this.uniquenessError(error) ?? error;
    }
    if (undo && previousEmail) {
      await this.notices.emailChanged(
        previousEmail,
        user.fullName,
        user.email!,
        undo.token,
        this.settings.emailChangeUndoTtlHours,
      );
    }
    return user;
  }

  private async findActive(userId: string): Promise<User> {
    return this.findUser(userId, ['active']);
  }

  private async findUser(userId: string, statuses: UserStatus[]): Promise<User> {
    if (!isUuid(userId)) throw new DomainError('not-found', 'Usuário não encontrado.');
    const user = await this.em.findOne(User, { id: userId, status: { $in: statuses } });
    if (!user) throw new DomainError('not-found', 'Usuário não encontrado.');
    return user;
  }

  /** Turns a unique-index violation into the pt-BR conflict the citizen can act on. */
  private uniquenessError(error: unknown): DomainError | undefined {
    if (!(error instanceof UniqueConstraintViolationException)) return undefined;
    const text = error.message;
    if (text.includes('users_cpf_key')) {
      return new DomainError('conflict', 'Já existe uma conta com este CPF.', {
        errors: [{ field: 'cpf', message: 'CPF já cadastrado.' }],
      });
    }
    if (text.includes('users_email_key')) {
      return new DomainError('conflict', 'Já existe uma conta com este e-mail.', {
        errors: [{ field: 'email', message: 'E-mail já cadastrado.' }],
      });
    }
    return new DomainError('conflict');
  }
}
