import { createHash, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Role } from '../shared/access';
import { newId } from '../shared/ids';

/** The only algorithm accepted: pinned on both signing and verification, so `alg: none` or RS/HS confusion fail. */
export const ACCESS_TOKEN_ALGORITHM = 'HS256' as const;

export interface AccessTokenSettings {
  secret: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/** Claims of our access tokens. `sid` is the refresh-token family (the session), `typ` distinguishes token kinds. */
export interface AccessTokenClaims {
  sub: string;
  role: Role;
  sid: string;
  typ: 'access';
  jti: string;
  iss: string;
  aud: string;
  iat: number;
  exp: number;
}

/**
 * An HMAC secret as the KeyObject jsonwebtoken signs and verifies with. Handed a string or a Buffer, jsonwebtoken
 * first tries to read it as a public (or private) key and catches the failure, on every call: that exception costs more
 * than the HMAC itself, on every authenticated request.
 */
export function hmacKey(secret: string | Buffer): KeyObject {
  return createSecretKey(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret);
}

/**
 * A signed short-lived access token (JWT) for the user and session, issued at `issuedAt` (epoch seconds, from the
 * app's clock): `exp` counts from it.
 */
export function signAccessToken(
  settings: AccessTokenSettings,
  user: { id: string; role: Role },
  sessionId: string,
  issuedAt: number,
): string {
  return jwt.sign({ role: user.role, sid: sessionId, typ: 'access', iat: issuedAt }, hmacKey(settings.secret), {
    algorithm: ACCESS_TOKEN_ALGORITHM,
    subject: user.id,
    issuer: settings.issuer,
    audience: settings.audience,
    expiresIn: settings.ttlSeconds,
    jwtid: newId(),
  });
}

/** A new opaque refresh token (256 random bits) and the hash stored in its place. */
export function newOpaqueToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

/** SHA-256 hex of a high-entropy token: enough for lookups, the token itself is never stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
