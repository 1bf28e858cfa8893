import { DomainError } from './errors';

/** The roles an account can have. */
export const ROLES = ['citizen', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated caller, as services see it. `sessionId` is the session (refresh-token family) of its token. */
export interface Actor {
  id: string;
  role: Role;
  sessionId?: string;
}

/**
 * Who may perform an action on a record:
 * - `owner`: only the citizen the record belongs to. Anyone else gets `not-found`, exactly like a missing record, so a
 *   guessed id reveals nothing.
 * - `admin`: only an admin; a citizen gets `forbidden`.
 * - `owner-or-admin`: the owner, or any admin.
 */
export type Rule = 'owner' | 'admin' | 'owner-or-admin';

/** The owner filter a repository applies to the record it touches: `null` = any owner (an admin's access). */
export interface AccessScope {
  ownerId: string | null;
}

/**
 * The access rules of one kind of record, declared once (`cardAccess`, `documentAccess`...) and checked as the first
 * step of every service method that takes that record's id, as Outline's policies and Immich's `requireAccess` do.
 *
 * `scope` is for methods whose query decides existence and ownership in one statement (`where id = ? and user_id = ?`):
 * it refuses what the rule forbids outright and returns the owner filter the repository must apply. `check` is for a
 * record already read, whose owner is known.
 */
export class ResourceAccess<Action extends string> {
  constructor(
    /** The record kind, for docs and tests (`card`, `document`...). */
    readonly resource: string,
    /** The pt-BR message of `not-found` for this kind ("Cartão não encontrado."). */
    private readonly notFoundMessage: string,
    readonly rules: Readonly<Record<Action, Rule>>,
  ) {}

  /** The owner filter for `action` by `actor`; throws `forbidden` when the actor may never do it. */
  scope(actor: Actor, action: Action): AccessScope {
    const rule = this.rules[action];
    if (rule === 'admin') {
      if (actor.role !== 'admin') throw forbiddenForCitizens();
      return { ownerId: null };
    }
    if (rule === 'owner-or-admin' && actor.role === 'admin') return { ownerId: null };
    return { ownerId: actor.id };
  }

  /** Throws unless `actor` may do `action` on a record owned by `ownerId`. */
  check(actor: Actor, action: Action, ownerId: string | null): void {
    const { ownerId: required } = this.scope(actor, action);
    if (required !== null && required !== ownerId) throw this.notFound();
  }

  /** This kind's `not-found` (a missing record, or someone else's). */
  notFound(): DomainError {
    return new DomainError('not-found', this.notFoundMessage);
  }
}

/** Declares the access rules of one kind of record. */
export function defineAccess<Action extends string>(
  resource: string,
  notFoundMessage: string,
  rules: Readonly<Record<Action, Rule>>,
): ResourceAccess<Action> {
  return new ResourceAccess(resource, notFoundMessage, rules);
}

function forbiddenForCitizens(): DomainError {
  return new DomainError('forbidden', 'Esta operação é restrita a administradores.');
}
