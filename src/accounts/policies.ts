import { DomainError } from '../shared/errors';
import type { Actor } from '../shared/access';

export type { Actor } from '../shared/access';

/** Admin-only operations: any other caller gets `forbidden`. */
export function requireAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw new DomainError('forbidden', 'Esta operação é restrita a administradores.');
}

/**
 * A citizen only ever sees their own records. A record owned by someone else answers `not-found`, exactly like a
 * missing one, so ids of other citizens' records reveal nothing.
 */
export function requireOwner(actor: Actor, ownerId: string, what = 'Recurso'): void {
  if (ownerId !== actor.id) throw new DomainError('not-found', `${what} não encontrado.`);
}
