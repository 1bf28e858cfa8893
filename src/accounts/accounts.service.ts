import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '../db/orm';
import { DomainError, validationError, type FieldError } from '../shared/errors';
import { isValidCpf, normaliseCpf } from '../shared/cpf';
import type { AuditService } from '../shared/audit.service';
import type { RequestInfo } from '../shared/request-info';
import { type Page, type PageRequest, pageOf } from '../shared/pagination';
import { isUuid } from '../shared/ids';
import { User, type Role } from './user.entity';
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
}

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
  private participants: AccountParticipant[] = [];
  private signupTickets?: SignupTicketRedeemer;

  constructor(
    private readonly em: EntityManager,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly sessions: SessionRevoker,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Lets another module take part in registration, erasure and export (wired once by the composition root). */
  addParticipant(participant: AccountParticipant): void {
    this.participants.push(participant);
  }

  /** Installs the redeemer of signup tickets from Google / Meta sign-ins (wired by the composition root). */
  useSignupTickets(redeemer: SignupTicketRedeemer): void {
    this.signupTickets = redeemer;
  }

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
    check('birthDate', validateBirthDate(input.birthDate, this.clock()));
    check('phone', validatePhone(input.phone));
    check('password', checkPassword(input.password, { cpf: input.cpf, birthDate: input.birthDate, email: input.email }));
    if (input.signupTicket !== undefined && !this.signupTickets) {
      check('signupTicket', 'O acesso com Google ou Meta não está disponível.');
    }
    if (errors.length > 0) throw validationError(errors);

    const passwordHash = await this.hasher.hashPassword(input.password);
    try {
      return await this.em.transactional(async (em) => {
        const identity = input.signupTicket ? await this.signupTickets!.redeem(em, input.signupTicket) : undefined;
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
        if (identity) await this.signupTickets!.attach(em, user, identity, info);
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

  /** Changes name, e-mail or phone (the only editable fields); validated like registration. */
  async updateProfile(actor: Actor, patch: ProfilePatch, info: RequestInfo): Promise<User> {
    return this.applyPatch(actor, actor.id, patch, info);
  }

  /** Changes the password after checking the current one; ends every other session of the account. */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string, info: RequestInfo): Promise<void> {
    const user = await this.findActive(actor.id, true);
    if (!(await this.hasher.verifyPassword(user.passwordHash ?? '', currentPassword))) {
      throw validationError([{ field: 'currentPassword', message: 'A senha atual não confere.' }]);
    }
    const policy = checkPassword(newPassword, {
      cpf: user.cpf ?? undefined,
      birthDate: user.birthDate ?? undefined,
      email: user.email ?? undefined,
    });
    if (policy) throw validationError([{ field: 'newPassword', message: policy }]);
    const hash = await this.hasher.hashPassword(newPassword);
    await this.em.transactional(async (em) => {
      await em.nativeUpdate(User, { id: user.id }, { passwordHash: hash });
      await this.sessions.revokeAllSessions(em, user.id, actor.sessionId);
      await this.audit.record(em, 'password_changed', info, { actorId: actor.id, subjectId: user.id });
    });
  }

  /**
   * LGPD erasure: every participant deletes what it holds (documents and their files, conversations, link codes...),
   * personal data on the account is cleared, sessions end, and the account can no longer sign in. The row stays as a
   * pseudonymous id for the ledger and the audit trail.
   */
  async erase(actor: Actor, userId: string, info: RequestInfo): Promise<void> {
    if (actor.id !== userId) requireAdmin(actor);
    await this.findActive(userId);
    await this.em.transactional(async (em) => {
      for (const participant of this.participants) await participant.onErased?.(em, userId);
      await this.sessions.revokeAllSessions(em, userId);
      await em.execute('delete from password_reset_tokens where user_id = ?', [userId]);
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
          erasedAt: this.clock(),
        },
      );
      await this.audit.record(em, 'account_erased', info, { actorId: actor.id, subjectId: userId });
    });
  }

  /** Everything the wallet holds about the caller, as one JSON-ready object (LGPD access and portability). */
  async exportData(actor: Actor): Promise<Record<string, unknown>> {
    const user = await this.findActive(actor.id);
    const result: Record<string, unknown> = {
      exportedAt: this.clock().toISOString(),
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

  /** Admin: users page by page (newest last), optionally filtered by a name/e-mail fragment. */
  async listUsers(actor: Actor, page: PageRequest, search?: string): Promise<Page<User>> {
    requireAdmin(actor);
    const where: Record<string, unknown> = { status: 'active' };
    if (page.cursor) where.id = { $gt: page.cursor };
    if (search?.trim()) {
      const like = `%${search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.$or = [{ fullName: { $ilike: like } }, { email: { $ilike: like } }];
    }
    const rows = await this.em.find(User, where, { orderBy: { id: 'asc' }, limit: page.limit + 1 });
    return pageOf(rows, page.limit, (user) => user.id);
  }

  /** Admin: one user. */
  async getUser(actor: Actor, userId: string): Promise<User> {
    requireAdmin(actor);
    return this.findActive(userId);
  }

  /** Admin: change a user's profile fields or role; a role change is audited. */
  async updateUser(actor: Actor, userId: string, patch: AdminUserPatch, info: RequestInfo): Promise<User> {
    requireAdmin(actor);
    return this.applyPatch(actor, userId, patch, info);
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

  private async applyPatch(actor: Actor, userId: string, patch: AdminUserPatch, info: RequestInfo): Promise<User> {
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
    try {
      return await this.em.transactional(async (em) => {
        const user = await em.findOne(User, { id: userId, status: 'active' });
        if (!user) throw new DomainError('not-found', 'Usuário não encontrado.');
        if (patch.fullName !== undefined) user.fullName = normaliseFullName(patch.fullName);
        if (patch.email !== undefined) user.email = normaliseEmail(patch.email);
        if (patch.phone !== undefined) user.phone = normalisePhone(patch.phone);
        if (patch.role !== undefined && patch.role !== user.role) {
          await this.audit.record(em, 'role_changed', info, {
            actorId: actor.id,
            subjectId: user.id,
            details: { from: user.role, to: patch.role },
          });
          user.role = patch.role;
        }
        await em.flush();
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
  }

  private async findActive(userId: string, withPassword = false): Promise<User> {
    if (!isUuid(userId)) throw new DomainError('not-found', 'Usuário não encontrado.');
    const user = await this.em.findOne(
      User,
      { id: userId, status: 'active' },
      withPassword ? { populate: ['passwordHash'] } : {},
    );
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
