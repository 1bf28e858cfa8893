import { AsyncLocalStorage } from 'node:async_hooks';
import { RequestContext, type EntityManager } from '@mikro-orm/core';

interface Scope {
  root: EntityManager;
  fork?: EntityManager;
  /** True while the fork is being built: its constructor resolves the context too, and must get itself. */
  forking?: boolean;
}

const scopes = new AsyncLocalStorage<Scope>();

/**
 * Runs `next` as one unit of work with its own EntityManager, like MikroORM's `RequestContext.create`, except that the
 * fork is made when the work first asks for it. Forking costs about as much CPU as a small query, and the hottest
 * requests (a card read, a bot turn) never need an identity map: their reads go straight to the connection.
 */
export function withLazyEntityManager<T>(root: EntityManager, next: () => T): T {
  return scopes.run({ root }, next);
}

/**
 * MikroORM's `context` option: the EntityManager of the current unit of work. An explicit `RequestContext.create`
 * (scripts, notifications, a WhatsApp turn) wins, being the innermost; otherwise the lazy scope's fork, made now if
 * this is its first use.
 */
export function currentEntityManager(name: string): EntityManager | undefined {
  const explicit = RequestContext.getEntityManager(name);
  if (explicit) return explicit;
  const scope = scopes.getStore();
  if (!scope || scope.root.name !== name || scope.forking) return undefined;
  if (!scope.fork) {
    scope.forking = true;
    try {
      scope.fork = scope.root.fork({ useContext: true, disableContextResolution: true });
    } finally {
      scope.forking = false;
    }
  }
  return scope.fork;
}

/**
 * Runs `next` outside the current lazy unit of work: background work started by a request (a notification dispatch
 * woken by its commit) must neither use nor materialise the request's EntityManager, which may be gone when it runs.
 */
export function outsideUnitOfWork<T>(next: () => T): T {
  return scopes.exit(next);
}

/**
 * An EntityManager root of its own for long-lived background work (the notification dispatcher): each of its runs forks
 * from it, never from the root the requests share.
 */
export function backgroundRoot<E extends EntityManager>(root: E): E {
  return root.fork();
}
