import type { Request } from 'restify';
import { DomainError } from '../../src/shared/errors';
import type { Actor } from '../../src/shared/access';
import { invalidAccessToken } from '../../http/authentication';

declare module 'restify' {
  interface Request {
    /** The caller, once a `@Security` route authenticated it. */
    actor?: Actor;
  }
}

/**
 * tsoa's authentication hook (`@Security('jwt', [scope])`): the bearer token, verified by the server's own step
 * (http/authentication.ts). Scope `admin` needs the admin role: a citizen gets 403.
 */
export async function expressAuthentication(req: Request, securityName: string, scopes: string[] = []): Promise<Actor> {
  if (securityName !== 'jwt') throw invalidAccessToken();
  const actor = await req.authenticateBearer();
  if (scopes.includes('admin') && actor.role !== 'admin') {
    throw new DomainError('forbidden', 'Esta operação é restrita a administradores.');
  }
  req.actor = actor;
  return actor;
}
