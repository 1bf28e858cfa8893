import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Repository, type Tx } from '../db/repository';
import type { Role } from '../shared/access';
import type { PageRequest } from '../shared/pagination';
import type { User, UserStatus } from './user';
import { User as UserRow } from './user.entity';

/** How a citizen signs in: by e-mail or by CPF, each normalised as stored. */
export type Login = { email: string } | { cpf: string };

/** The columns of a new account. */
export interface NewUser {
  fullName: string;
  email: string;
  cpf: string;
  birthDate: string;
  phone: string;
  passwordHash: string;
  role: Role;
}

/** The columns a profile change or an admin may change. */
export interface UserChanges {
  fullName?: string;
  email?: string;
  phone?: string;
  role?: Role;
  status?: UserStatus;
}

/** An account with its password hash, as sign-in and re-authentication need it. */
export interface Credentials {
  user: User;
  passwordHash: string | null;
}

/**
 * A write refused by a unique index of `users`: another account already has this CPF (`users_cpf_key`) or this
 * e-mail (`users_email_key`). `field` is null for any other unique index.
 */
export class DuplicateAccount extends Error {
  constructor(readonly field: 'cpf' | 'email' | null) {
    super(`duplicate account ${field ?? ''}`.trim());
    this.name = 'DuplicateAccount';
  }
}

/**
 * The accounts (`users`). Reads and writes of one account go through the `User` entity (identity map, and change
 * tracking that writes only the columns a change touched); everything returned is a plain {@link User}, never the
 * entity. Uniqueness of CPF and e-mail is the database's decision, reported as {@link DuplicateAccount}.
 */
export class UsersRepository extends Repository {
  /** The account `id` when its status is one of `statuses`, read in `tx` when given. */
  async find(id: string, statuses: readonly UserStatus[], tx?: Tx): Promise<User | null> {
    const row = await (tx ?? this.em).findOne(UserRow, { id, status: { $in: [...statuses] } });
    return row ? userOf(row) : null;
  }

  /** The active account with this login, or null. */
  async findActiveByLogin(login: Login, tx?: Tx): Promise<User | null> {
    const row = await (tx ?? this.em).findOne(UserRow, { ...login, status: 'active' });
    return row ? userOf(row) : null;
  }

  /** The active account signing in with `login`, with its password hash (loaded only here: it is lazy). */
  async credentialsByLogin(login: Login): Promise<Credentials | null> {
    const row = await this.em.findOne(UserRow, { ...login, status: 'active' }, { populate: ['passwordHash'] });
    return row ? { user: userOf(row), passwordHash: row.passwordHash ?? null } : null;
  }

  /** The active account `id` with its password hash (re-authentication). */
  async credentialsOf(id: string): Promise<Credentials | null> {
    const row = await this.em.findOne(UserRow, { id, status: 'active' }, { populate: ['passwordHash'] });
    return row ? { user: userOf(row), passwordHash: row.passwordHash ?? null } : null;
  }

  /** Creates an active account in `tx`; {@link DuplicateAccount} when the CPF or the e-mail is taken. */
  async create(tx: Tx, user: NewUser): Promise<User> {
    const row = tx.create(UserRow, { ...user, status: 'active' });
    await flushUnique(tx);
    return userOf(row);
  }

  /**
   * Applies `changes` to the account `id` in `tx` (read in `tx` first, usually by {@link find}); only changed columns
   * are written. {@link DuplicateAccount} when the new e-mail is taken.
   */
  async change(tx: Tx, id: string, changes: UserChanges): Promise<User> {
    const row = await tx.findOneOrFail(UserRow, { id });
    if (changes.fullName !== undefined) row.fullName = changes.fullName;
    if (changes.email !== undefined) row.email = changes.email;
    if (changes.phone !== undefined) row.phone = changes.phone;
    if (changes.role !== undefined) row.role = changes.role;
    if (changes.status !== undefined) row.status = changes.status;
    await flushUnique(tx);
    return userOf(row);
  }

  /** Sets the account's password hash (a change, a reset, or a rehash with stronger parameters). */
  async setPasswordHash(id: string, passwordHash: string, tx?: Tx): Promise<void> {
    await (tx ?? this.em).nativeUpdate(UserRow, { id }, { passwordHash });
  }

  /** LGPD erasure: clears the personal data and marks the account erased at `at`; the row stays as a pseudonymous id. */
  async erase(tx: Tx, id: string, at: Date): Promise<void> {
    await tx.nativeUpdate(
      UserRow,
      { id },
      {
        fullName: 'Titular removido',
        email: null,
        cpf: null,
        birthDate: null,
        phone: null,
        passwordHash: null,
        status: 'erased',
        erasedAt: at,
      },
    );
  }

  /**
   * Accounts with one of `statuses`, by id (creation order), after `page.cursor`, at most `page.limit + 1` (so the
   * caller knows whether there is a next page); `search` matches a fragment of the name or the e-mail.
   */
  async list(statuses: readonly UserStatus[], page: PageRequest, search?: string): Promise<User[]> {
    const where: Record<string, unknown> = { status: { $in: [...statuses] } };
    if (page.cursor) where.id = { $gt: page.cursor };
    if (search) {
      const like = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.$or = [{ fullName: { $ilike: like } }, { email: { $ilike: like } }];
    }
    const rows = await this.em.find(UserRow, where, { orderBy: { id: 'asc' }, limit: page.limit + 1 });
    return rows.map(userOf);
  }
}

async function flushUnique(tx: Tx): Promise<void> {
  try {
    await tx.flush();
  } catch (error) {
    if (!(error instanceof UniqueConstraintViolationException)) throw error;
    const text = error.message;
    throw new DuplicateAccount(text.includes('users_cpf_key') ? 'cpf' : text.includes('users_email_key') ? 'email' : null);
  }
}

function userOf(row: UserRow): User {
  return {
    id: row.id,
    fullName: row.fullName,
    email: row.email ?? null,
    cpf: row.cpf ?? null,
    birthDate: row.birthDate ?? null,
    phone: row.phone ?? null,
    role: row.role,
    status: row.status,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
