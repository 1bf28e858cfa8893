import { Passport } from 'passport';
import { ExtractJwt, Strategy as JwtStrategy, type VerifiedCallback } from 'passport-jwt';
import type { Request, Response } from 'restify';
import type { Config } from '../src/config';
import { DomainError } from '../src/shared/errors';
import type { Actor } from '../src/shared/access';
import type { SessionsService } from '../src/accounts/sessions.service';
import { ACCESS_TOKEN_ALGORITHM, hmacKey, type AccessTokenClaims } from '../src/accounts/tokens';
import type { Clock } from '../src/shared/clock';

declare module 'restify' {
  interface Request {
    /**
     * Verifies the bearer access token of this request. Installed on every request by the server itself
     * (http/server.ts), so any edge's routes may call it whatever was registered first.
     */
    authenticateBearer: () => Promise<Actor>;
  }
}

/** What verifying a citizen's access token needs beyond the configuration. */
export interface BearerDependencies {
  jwtSecret: string;
  /** Whether the account and the token's session are still on. */
  sessions: Pick<SessionsService, 'actorFor'>;
  /** The clock of token expiries (src/shared/clock.ts). */
  clock: Clock;
}

const INVALID_TOKEN = 'Token de acesso ausente, inválido ou expirado. Entre novamente.';

/** The refusal of a missing, invalid or expired access token (401). */
export function invalidAccessToken(): DomainError {
  return new DomainError('unauthorized', INVALID_TOKEN);
}

/** Seconds of clock skew allowed on `exp`. */
const CLOCK_TOLERANCE_SECONDS = 5;

/** What a verified access token says about who calls: kept per token text by VerifiedTokens. */
interface VerifiedClaims {
  sub: string;
  sid: string | undefined;
  /** When the token stops being accepted (its `exp` plus the clock tolerance), in epoch milliseconds. */
  expiresAtMs: number;
}

/**
 * Access tokens whose signature, algorithm, issuer, audience and kind passport-jwt already checked, keyed by the exact
 * token text. A client sends the same token with every request of its 15 minutes, and decoding plus HMAC plus claim
 * checks cost more than the rest of the authentication; a hit skips them and still runs the account and session check
 * (SessionsService.actorFor), so a token whose session ended or whose account was suspended or erased is refused at
 * once, cached or not. Expiry is checked on every hit. A different text — one flipped bit of the signature — is a miss
 * and goes through passport. Bounded: the oldest entry goes first.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, VerifiedClaims>();

  constructor(private readonly maxEntries: number) {}

  /** The claims of a token verified before and not yet expired at `nowMs`; undefined otherwise. */
  get(token: string, nowMs: number): VerifiedClaims | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (nowMs >= entry.expiresAtMs) {
      this.entries.delete(token);
      return undefined;
    }
    return entry;
  }

  remember(token: string, claims: VerifiedClaims): void {
    if (this.entries.size >= this.maxEntries && !this.entries.has(token)) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(token, claims);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Enough for every client active within a token's lifetime on one instance (a token is ~400 characters: ~12 MiB at most). */
const VERIFIED_TOKENS_MAX = 20_000;

/**
 * One passport instance per app (not the global one): tests and benchmarks run several apps with different keys in
 * one process. The JWT strategy pins the algorithm, issuer and audience; claims must say `typ: access`, so a refresh
 * token or any other JWT is refused; the account must still be active and the token's session (`sid`) not ended.
 * Expiry is checked against the app's clock (not jsonwebtoken's, which reads the system time). Tokens passport
 * verified are remembered (VerifiedTokens) until they expire.
 */
export function createBearerAuthenticator(config: Config, { jwtSecret, sessions, clock }: BearerDependencies) {
  const passport = new Passport();
  const bearerToken = ExtractJwt.fromAuthHeaderAsBearerToken();
  const verified = new VerifiedTokens(VERIFIED_TOKENS_MAX);
  passport.use(
    'jwt',
    new JwtStrategy(
      {
        jwtFromRequest: bearerToken,
        // Handed unchanged to jsonwebtoken, which takes a KeyObject (passport-jwt's types say string | Buffer only).
        secretOrKey: hmacKey(jwtSecret) as unknown as Buffer,
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        issuer: config.auth.issuer,
        audience: config.auth.audience,
        // `exp` is checked below with the app's clock.
        ignoreExpiration: true,
        passReqToCallback: true,
      },
      (req: Request, claims: AccessTokenClaims, done: VerifiedCallback) => {
        if (claims.typ !== 'access' || typeof claims.sub !== 'string' || typeof claims.exp !== 'number') {
          done(null, false);
          return;
        }
        const expiresAtMs = (claims.exp + CLOCK_TOLERANCE_SECONDS) * 1000;
        if (clock.now().getTime() >= expiresAtMs) {
          done(null, false);
          return;
        }
        const token = bearerToken(req);
        if (token) {
          verified.remember(token, {
            sub: claims.sub,
            sid: typeof claims.sid === 'string' ? claims.sid : undefined,
            expiresAtMs,
          });
        }
        sessions.actorFor(claims.sub, claims.sid).then(
          (actor) => done(null, actor ?? false),
          (error: unknown) => done(error),
        );
      },
    ),
  );

  function viaPassport(req: Request, res: Response): Promise<Actor> {
    return new Promise((resolve, reject) => {
      const handler = passport.authenticate('jwt', { session: false }, (error: unknown, actor: Actor | false) => {
        if (error) reject(error instanceof Error ? error : invalidAccessToken());
        else if (!actor) reject(invalidAccessToken());
        else resolve(actor);
      }) as (req: unknown, res: unknown, next: (error?: unknown) => void) => void;
      handler(req, res, (error?: unknown) => reject(error instanceof Error ? error : invalidAccessToken()));
    });
  }

  return async function authenticate(req: Request, res: Response): Promise<Actor> {
    const token = bearerToken(req);
    const known = token ? verified.get(token, clock.now().getTime()) : undefined;
    if (!known) return viaPassport(req, res);
    const actor = await sessions.actorFor(known.sub, known.sid);
    if (!actor) throw invalidAccessToken();
    return actor;
  };
}
