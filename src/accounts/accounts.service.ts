import type { Transactions, Tx } from '../db/repository';
import { DomainError, validationError, type FieldError } from '../shared/errors';
import { isValidCpf, normaliseCpf } from '../shared/cpf';
import type { AuditService } from '../shared/audit.service';
import type { RequestInfo } from '../shared/request-info';
import { type Page, type PageRequest, pageOf } from '../shared/pagination';
import { isUuid } from '../shared/ids';
import { systemClock, type Clock } from '../shared/clock';
import type { User, UserStatus } from './user';
import type { Actor, Role } from '../shared/access';
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
import { userAccess } from './user-access';
import type { SignupTicketRedeemer } from './identities.service';
import { PROVIDER_LABELS } from './identity';
import type { Reauthenticator, ReauthenticationProof } from './reauthentication';
import type { AccountNotices } from './account-notices';
import { hashToken, newOpaqueToken } from './tokens';
import type { AccountCodesRepository } from './account-codes.repository';
import type { SessionsRepository } from './sessions.repository';
import { DuplicateAccount, type UserChanges, type UsersRepository } from './users.repository';

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
  onRegistered?(tx: Tx, user: Pick<User, 'id'>): Promise<void>;
  /** Runs inside the erasure transaction: delete or pseudonymise everything personal this module holds. */
  onErased?(tx: Tx, userId: string): Promise<void>;
  /** Contributes a section to the citizen's data export (read in the export's transaction). */
  exportSection?(tx: Tx, userId: string): Promise<[name: string, data: unknown]>;
}

/** Registration, profile, password change, LGPD erasure and export, and the admin's user management. */
export class AccountsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly codes: AccountCodesRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
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
      return await this.transactions.run(async (tx) => {
        const identity = input.signupTicket ? await this.signupTickets.redeem(tx, input.signupTicket) : undefined;
        if (identity?.emailVerified && identity.email !== normaliseEmail(input.email)) {
          throw validationError([
            {
              field: 'email',
              message: `Use o e-mail confirmado pelo ${PROVIDER_LABELS[identity.provider]}: ${identity.email}.`,
            },
          ]);
        }
        const user = await this.users.create(tx, {
          fullName: normaliseFullName(input.fullName),
          email: normaliseEmail(input.email),
          cpf: normaliseCpf(input.cpf),
          birthDate: input.birthDate,
          phone: normalisePhone(input.phone),
          passwordHash,
          role: 'citizen',
        });
        if (identity) await this.signupTickets.attach(tx, user, identity, info);
        for (const participant of this.participants) await participant.onRegistered?.(tx, user);
        await this.audit.record(tx, 'account_registered', info, { actorId: user.id, subjectId: user.id });
        return user;
      });
    } catch (error) {
      throw uniquenessError(error);
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
    await this.reauth.confirm(actor.id, proof, info);
    const hash = await this.hasher.hashPassword(newPassword);
    await this.transactions.run(async (tx) => {
      await this.users.setPasswordHash(user.id, hash, tx);
      await this.sessions.revokeAllOf(tx, user.id, actor.sessionId);
      await this.audit.record(tx, 'password_changed', info, { actorId: actor.id, subjectId: user.id });
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
      await this.transactions.run(async (tx) => {
        const undone = await this.codes.spendUndoCode(tx, hashToken(code), this.clock.now());
        if (!undone) throw invalid;
        const user = await this.users.find(undone.userId, MANAGED, tx);
        if (!user) throw invalid;
        await this.users.change(tx, user.id, { email: undone.previousEmail });
        await this.sessions.revokeAllOf(tx, user.id);
        await this.codes.cancelResetCodes(tx, user.id);
        await this.audit.record(tx, 'email_change_undone', info, { subjectId: user.id });
      });
    } catch (error) {
      throw uniquenessError(error);
    }
  }

  /**
   * LGPD erasure: every participant deletes what it holds (documents and their files, conversations, link codes...),
   * personal data on the account is cleared, sessions end, and the account can no longer sign in. The row stays as a
   * pseudonymous id for the ledger and the audit trail.
   */
  async erase(actor: Actor, userId: string, info: RequestInfo): Promise<void> {
    userAccess.check(actor, 'erase', userId);
    await this.findUser(userId, actor.id === userId ? ['active'] : MANAGED);
    await this.transactions.run(async (tx) => {
      for (const participant of this.participants) await participant.onErased?.(tx, userId);
      await this.sessions.revokeAllOf(tx, userId);
      await this.codes.deleteAllOf(tx, userId);
      await this.users.erase(tx, userId, this.clock.now());
      await this.audit.record(tx, 'account_erased', info, { actorId: actor.id, subjectId: userId });
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
    await this.transactions.run(async (tx) => {
      for (const participant of this.participants) {
        if (!participant.exportSection) continue;
        const [name, data] = await participant.exportSection(tx, user.id);
        result[name] = data;
      }
    });
    return result;
  }

  /** Admin: users page by page (newest last), optionally filtered by a name/e-mail fragment; suspended ones included. */
  async listUsers(actor: Actor, page: PageRequest, search?: string): Promise<Page<User>> {
    userAccess.scope(actor, 'manage');
    const rows = await this.users.list(MANAGED, page, search?.trim() || undefined);
    return pageOf(rows, page.limit, (user) => user.id);
  }

  /** Admin: one user (active or suspended). */
  async getUser(actor: Actor, userId: string): Promise<User> {
    userAccess.check(actor, 'manage', userId);
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
    userAccess.check(actor, 'manage', userId);
    if (patch.status !== undefined && userId === actor.id) {
      throw validationError([{ field: 'status', message: 'Um administrador não pode suspender a própria conta.' }]);
    }
    return this.applyPatch(actor, userId, patch, proof, info);
  }

  /** Grants the admin role to the active account with this e-mail (the first admin of a deployment). */
  async grantAdminByEmail(email: string, info: RequestInfo): Promise<boolean> {
    return this.transactions.run(async (tx) => {
      const user = await this.users.findActiveByLogin({ email: normaliseEmail(email) }, tx);
      if (!user) return false;
      if (user.role !== 'admin') {
        await this.users.change(tx, user.id, { role: 'admin' });
        await this.audit.record(tx, 'role_changed', info, { subjectId: user.id, details: { role: 'admin', via: 'bootstrap' } });
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
    if (newEmail !== undefined && newEmail !== current.email) await this.reauth.confirm(actor.id, proof, info);
    const undo = previousEmail ? newOpaqueToken() : undefined;
    let user: User;
    try {
      user = await this.transactions.run(async (tx) => {
        const found = await this.users.find(userId, statuses, tx);
        if (!found) throw new DomainError('not-found', 'Usuário não encontrado.');
        const changes: UserChanges = {
          fullName: patch.fullName === undefined ? undefined : normaliseFullName(patch.fullName),
          email: newEmail,
          phone: patch.phone === undefined ? undefined : normalisePhone(patch.phone),
        };
        if (patch.role !== undefined && patch.role !== found.role) {
          await this.audit.record(tx, 'role_changed', info, {
            actorId: actor.id,
            subjectId: found.id,
            details: { from: found.role, to: patch.role },
          });
          changes.role = patch.role;
        }
        if (patch.status !== undefined && patch.status !== found.status) {
          changes.status = patch.status;
          if (patch.status === 'suspended') await this.sessions.revokeAllOf(tx, found.id);
          await this.audit.record(tx, patch.status === 'suspended' ? 'account_suspended' : 'account_reactivated', info, {
            actorId: actor.id,
            subjectId: found.id,
          });
        }
        const changed = await this.users.change(tx, found.id, changes);
        if (undo && previousEmail) {
          const expiresAt = new Date(this.clock.now().getTime() + this.settings.emailChangeUndoTtlHours * 3_600_000);
          await this.codes.insertUndoCode(tx, changed.id, undo.hash, previousEmail, expiresAt);
        }
        await this.audit.record(tx, 'account_updated', info, {
          actorId: actor.id,
          subjectId: changed.id,
          details: { fields: Object.keys(patch).filter((key) => patch[key as keyof AdminUserPatch] !== undefined) },
        });
        return changed;
      });
    } catch (error) {
      throw uniquenessError(error);
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
    const user = await this.users.find(userId, statuses);
    if (!user) throw new DomainError('not-found', 'Usuário não encontrado.');
    return user;
  }
}

/** A CPF or e-mail already taken becomes the pt-BR conflict the citizen can act on; anything else goes through. */
function uniquenessError(error: unknown): unknown {
  if (!(error instanceof DuplicateAccount)) return error;
  if (error.field === 'cpf') {
    return new DomainError('conflict', 'Já existe uma conta com este CPF.', {
      errors: [{ field: 'cpf', message: 'CPF já cadastrado.' }],
    });
  }
  if (error.field === 'email') {
    return new DomainError('conflict', 'Já existe uma conta com este e-mail.', {
      errors: [{ field: 'email', message: 'E-mail já cadastrado.' }],
    });
  }
  return new DomainError('conflict');
}
