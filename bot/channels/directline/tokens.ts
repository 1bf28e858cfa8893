import { createHmac, randomBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { DomainError } from '../../../src/shared/errors';
import { hmacKey } from '../../../src/accounts/tokens';

/** Audience of Direct Line tokens: distinct from access tokens, so neither is ever accepted as the other. */
const AUDIENCE = 'carteira-digital-carioca/directline';
const ALGORITHM = 'HS256';

/** What a Direct Line token says: who is chatting, in which conversation, and the citizen behind it (if signed in). */
export interface DirectLineClaims {
  /** The Web Chat user id (`dl_…`): Web Chat reads it from this claim. */
  user: string;
  /** The conversation this token may read and write. */
  conv: string;
  /** The citizen's id; null for an anonymous (FAQ-only) chat. */
  cid: string | null;
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
 */
export class DirectLineTokens {
  private readonly key: Buffer;
  /** The key as jsonwebtoken wants it (see hmacKey). */
  private readonly jwtKey: KeyObject;

  constructor(
    jwtSecret: string,
    private readonly issuer: string,
    private readonly ttlSeconds: number,
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

  /** Signs a token for `claims`, valid for the configured lifetime. */
  issue(claims: DirectLineClaims): IssuedToken {
    const token = jwt.sign({ user: claims.user, conv: claims.conv, cid: claims.cid }, this.jwtKey, {
      algorithm: ALGORITHM,
      audience: AUDIENCE,
      issuer: this.issuer,
      expiresIn: this.ttlSeconds,
    });
    return { conversationId: claims.conv, token, expires_in: this.ttlSeconds };
  }

  /** Verifies a token; throws a {@link DirectLineTokenError} saying why it was refused. */
  verify(token: string | undefined): DirectLineClaims {
    if (!token) throw new DirectLineTokenError('missing');
    let payload: unknown;
    try {
      payload = jwt.verify(token, this.jwtKey, { algorithms: [ALGORITHM], audience: AUDIENCE, issuer: this.issuer });
    } catch (error) {
      throw new DirectLineTokenError(error instanceof jwt.TokenExpiredError ? 'expired' : 'invalid');
    }
    const claims = payload as Partial<DirectLineClaims>;
    if (
      typeof claims.user !== 'string' ||
      typeof claims.conv !== 'string' ||
      (claims.cid !== null && typeof claims.cid !== 'string')
    ) {
      throw new DirectLineTokenError('invalid');
    }
    return { user: claims.user, conv: claims.conv, cid: claims.cid };
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
