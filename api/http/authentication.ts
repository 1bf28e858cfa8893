import { Passport } from 'passport';
import { ExtractJwt, Strategy as JwtStrategy, type VerifiedCallback } from 'passport-jwt';
import type { Request, Response } from 'restify';
import type { Config } from '../../src/config';
import { DomainError } from '../../src/shared/errors';
import type { Actor } from '../../src/accounts/policies';
import type { SessionsService } from '../../src/accounts/sessions.service';
import { ACCESS_TOKEN_ALGORITHM, hmacKey, type AccessTokenClaims } from '../../src/accounts/tokens';

declare module 'restify' {
  interface Request {
    /** Verifies the bearer token of this request (set by the app that received it). */
    authenticateBearer: () => Promise<Actor>;
    actor?: Actor;
  }
}

const INVALID_TOKEN = 'Token de acesso ausente, inválido ou expirado. Entre novamente.';

function unauthorized(): DomainError {
  return new DomainError('unauthorized', INVALID_TOKEN);
}

/**
 * One passport instance per app (not the global one): tests and benchmarks run several apps with different keys in
 * one process. The JWT strategy pins the algorithm, issuer and audience; claims must say `typ: access`, so a refresh
 * token or any other JWT is refused; the account must still be active.
 */
export function createBearerAuthenticator(config: Config, jwtSecret: string, sessions: SessionsService) {
  const passport = new Passport();
  passport.use(
    'jwt',
    new JwtStrategy(
      {
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        // Handed unchanged to jsonwebtoken, which takes a KeyObject (passport-jwt's types say string | Buffer only).
        secretOrKey: hmacKey(jwtSecret) as unknown as Buffer,
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        issuer: config.auth.issuer,
        audience: config.auth.audience,
        jsonWebTokenOptions: { clockTolerance: 5 },
      },
      (claims: AccessTokenClaims, done: VerifiedCallback) => {
        if (claims.typ !== 'access' || typeof claims.sub !== 'string') {
          done(null, false);
          return;
        }
        sessions.actorFor(claims.sub, claims.sid).then(
          (actor) => done(null, actor ?? false),
          (error: unknown) => done(error),
        );
      },
    ),
  );

  return function authenticate(req: Request, res: Response): Promise<Actor> {
    return new Promise((resolve, reject) => {
      const handler = passport.authenticate('jwt', { session: false }, (error: unknown, actor: Actor | false) => {
        if (error) reject(error instanceof Error ? error : unauthorized());
        else if (!actor) reject(unauthorized());
        else resolve(actor);
      }) as (req: unknown, res: unknown, next: (error?: unknown) => void) => void;
      handler(req, res, (error?: unknown) => reject(error instanceof Error ? error : unauthorized()));
    });
  };
}

/**
 * tsoa's authentication hook (`@Security('jwt', [scope])`). Scope `admin` needs the admin role: a citizen gets 403.
 */
export async function expressAuthentication(req: Request, securityName: string, scopes: string[] = []): Promise<Actor> {
  if (securityName !== 'jwt') throw unauthorized();
  const actor = await req.authenticateBearer();
  if (scopes.includes('admin') && actor.role !== 'admin') {
    throw new DomainError('forbidden', 'Esta operação é restrita a administradores.');
  }
  req.actor = actor;
  return actor;
}
