import { createHmac, randomBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { DomainError } from '../../../src/shared/errors';
import { hmacKey } from '../../../src/accounts/tokens';
import { epochSeconds, type Clock } from '../../../src/shared/clock';

/** Audience of Direct Line tokens: distinct from access tokens, so neither is ever accepted as the other. */
const AUDIENCE = 'carteira-digital-carioca/directline';
const ALGORITHM = 'HS256';

/**
 * What a Direct Line token says: who is chatting, in which conversation, the citizen behind it (if signed in), the
 * session that vouched for the citizen, and when the chain of tokens began.
 */
export interface DirectLineClaims {
  /** The Web Chat user id (`dl_…`): Web Chat reads it from this claim. */
  user: string;
  /** The conversation this token may read and write. */
  conv: string;
  /** The citizen's id; null for an anonymous (FAQ-only) chat. */
  cid: string | null;
  /** The session (refresh-token family) of the access token that opened the chat; null for an anonymous chat. */
  sid: string | null;
  /** When the first token of this chain was issued (epoch seconds): refreshes keep it, the maximum lifetime counts from it. */
  started: number;
}

/** A signed token with its lifetime, as the Direct Line API answers it. */
export interface IssuedToken {
  conversationId: string;
  token: string;
  expires_in: number;
}

/** Why a presented token was refused: the Direct Line client reacts to 403 (expired) differently from 401. */
export type TokenRejection = 'missing' | 'invalid' | 'expired';

/**
 * Signs and verifies Direct Line tokens. The key is derived from the app's JWT secret (so every instance shares it
 * with no new setting) but is not that secret: an access token can never verify as a Direct Line token.
 *
 * A refresh issues the next token of the same chain: same citizen, session and start. However often refreshed, no
 * token of a chain lives past `started + maxLifetimeSeconds`. Times come from the app's clock. (That the citizen's
 * session has not ended is checked by the routes, against the database.)
 */
export class DirectLineTokens {
  private readonly key: Buffer;
  /** The key as jsonwebtoken wants it (see hmacKey). */
  private readonly jwtKey: KeyObject;

  constructor(
    jwtSecret: string,
    private readonly issuer: string,
    private readonly ttlSeconds: number,
    private readonly maxLifetimeSeconds: number,
    private readonly clock: Clock,
  ) {
    this.key = createHmac('sha256', jwtSecret).update('directline-token-key-v1').digest();
    this.jwtKey = hmacKey(this.key);
  }

  /** A new conversation id: unguessable, URL-safe and free of `|` (activity ids use it as a separator). */
  newConversationId(): string {
    return randomBytes(18).toString('base64url');
  }

  /**
   * The Web Chat user id of a citizen: derived with the key, so it is stable across chats (the engine keys the
   * conversation on it) without exposing the account id in every activity.
   */
  userIdFor(citizenId: string | null): string {
    if (citizenId === null) return `dl_anon_${randomBytes(12).toString('base64url')}`;
    return `dl_${createHmac('sha256', this.key).update(citizenId).digest('base64url').slice(0, 24)}`;
  }

  /** The claims of the first token of a new chain, starting now. */
  newChain(claims: Omit<DirectLineClaims, 'started'>): DirectLineClaims {
    return { ...claims, started: epochSeconds(this.clock) };
  }

  /**
   * Signs the next token of `claims`' chain: valid for the configured lifetime, cut short at the end of the chain's
   * maximum lifetime. A chain already at its end gets none ({@link DirectLineTokenError} `expired`).
   */
  issue(claims: DirectLineClaims): IssuedToken {
    const now = epochSeconds(this.clock);
    const exp = Math.min(now + this.ttlSeconds, claims.started + this.maxLifetimeSeconds);
    if (exp <= now) throw new DirectLineTokenError('expired');
    const payload = { user: claims.user, conv: claims.conv, cid: claims.cid, sid: claims.sid, started: claims.started };
    const token = jwt.sign({ ...payload, iat: now, exp }, this.jwtKey, {
      algorithm: ALGORITHM,
      audience: AUDIENCE,
      issuer: this.issuer,
    });
    return { conversationId: claims.conv, token, expires_in: exp - now };
  }

  /** Verifies a token (signature, audience, issuer, expiry and chain lifetime by the app's clock); throws a {@link DirectLineTokenError} saying why it was refused. */
  verify(token: string | undefined): DirectLineClaims & { exp: number } {
    if (!token) throw new DirectLineTokenError('missing');
    const now = epochSeconds(this.clock);
    let payload: unknown;
    try {
      payload = jwt.verify(token, this.jwtKey, {
        algorithms: [ALGORITHM],
        audience: AUDIENCE,
        issuer: this.issuer,
        clockTimestamp: now,
      });
    } catch (error) {
      throw new DirectLineTokenError(error instanceof jwt.TokenExpiredError ? 'expired' : 'invalid');
    }
    const claims = payload as Partial<DirectLineClaims> & { exp?: unknown };
    if (
      typeof claims.user !== 'string' ||
      typeof claims.conv !== 'string' ||
      (claims.cid !== null && typeof claims.cid !== 'string') ||
      (claims.sid !== null && typeof claims.sid !== 'string') ||
      typeof claims.started !== 'number' ||
      typeof claims.exp !== 'number' ||
      // A citizen's chat always names the session that opened it.
      (claims.cid !== null && claims.sid === null)
    ) {
      throw new DirectLineTokenError('invalid');
    }
    // Also when the maximum lifetime was lowered after the token was signed.
    if (now >= claims.started + this.maxLifetimeSeconds) throw new DirectLineTokenError('expired');
    return { user: claims.user, conv: claims.conv, cid: claims.cid, sid: claims.sid, started: claims.started, exp: claims.exp };
  }
}

/** A refused Direct Line token. */
export class DirectLineTokenError extends Error {
  constructor(readonly reason: TokenRejection) {
    super(`Direct Line token ${reason}`);
    this.name = 'DirectLineTokenError';
  }

  /**
   * As a domain error: Direct Line clients treat 403 as "expired, get a new token" and stop, so an expired or foreign
   * token is 403; a missing one is 401.
   */
  toDomainError(): DomainError {
    if (this.reason === 'missing')
      return new DomainError('unauthorized', 'Envie o token do Direct Line no cabeçalho Authorization.');
    if (this.reason === 'expired')
      return new DomainError('forbidden', 'O token do Direct Line expirou. Abra a conversa novamente.');
    return new DomainError('forbidden', 'Token do Direct Line inválido para esta conversa.');
  }
}
