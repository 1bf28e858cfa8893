import { prepared } from '../db/prepared';
import { Repository, type Tx } from '../db/repository';
import type { Role } from '../shared/access';
import { newId } from '../shared/ids';

/**
 * The bearer token's check, run for every authenticated request: the account is active and the token's session
 * (refresh-token family) has not ended — not revoked by logout, a password change or reset, refresh-token reuse,
 * suspension or erasure, and within its absolute lifetime. One statement, one round trip. The partial index
 * refresh_tokens_live_family_idx holds only live tokens, so an ended session costs one empty probe.
 */
const ACTIVE_SESSION_ROLE = prepared(
  'active_session_role',
  `select u.role from users u
    where u.id = ? and u.status = 'active'
      and exists (select 1 from refresh_tokens r
                   where r.family_id = ? and r.user_id = u.id and r.revoked_at is null and r.expires_at > ?)`,
);

/** A refresh token as the refresh grant finds it. */
export interface RefreshToken {
  id: string;
  userId: string;
  /** The session the token belongs to. */
  familyId: string;
  expiresAt: Date;
  /** Used (rotated) or revoked already: presenting it again means it was stolen or replayed. */
  spent: boolean;
  /** Past its session's absolute lifetime (by the database's clock). */
  expired: boolean;
}

/**
 * Sessions (`refresh_tokens`): a session is a family of refresh tokens, each rotated into the next on use. Only
 * hashes of the tokens are stored.
 */
export class SessionsRepository extends Repository {
  /**
   * The role of `userId` when the account is active and its session `sessionId` is live at `now`, else null.
   * Prepared: it runs on every authenticated request.
   */
  async activeSessionRole(userId: string, sessionId: string, now: Date): Promise<Role | null> {
    const rows = await this.prepared<{ role: Role }>(ACTIVE_SESSION_ROLE, [userId, sessionId, now]);
    return rows[0]?.role ?? null;
  }

  /** Starts session `familyId` with its first refresh token, for `ttlDays` (the session's absolute lifetime). */
  async start(tx: Tx, userId: string, familyId: string, tokenHash: string, ttlDays: number): Promise<void> {
    await this.run(
      `insert into refresh_tokens (id, user_id, family_id, token_hash, expires_at)
       values (?, ?, ?, ?, now() + make_interval(days => ?))`,
      [newId(), userId, familyId, tokenHash, ttlDays],
      tx,
    );
  }

  /** The refresh token with this hash, locked until `tx` ends (two refreshes with one token cannot both rotate it). */
  async lockByHash(tx: Tx, tokenHash: string): Promise<RefreshToken | null> {
    const row = await this.row<{
      id: string;
      user_id: string;
      family_id: string;
      expires_at: string | Date;
      used_at: unknown;
      revoked_at: unknown;
      expired: boolean;
    }>(
      `select id, user_id, family_id, expires_at, used_at, revoked_at, expires_at <= now() as expired
         from refresh_tokens where token_hash = ? for update`,
      [tokenHash],
      tx,
    );
    if (!row) return null;
    return {
      id: row.id,
      userId: row.user_id,
      familyId: row.family_id,
      expiresAt: new Date(row.expires_at),
      spent: Boolean(row.used_at || row.revoked_at),
      expired: row.expired,
    };
  }

  /**
   * Rotates `token`: marks it used and stores its successor (hash `nextHash`) in the same session, with the session's
   * expiry.
   */
  async rotate(tx: Tx, token: RefreshToken, nextHash: string): Promise<void> {
    await this.run('update refresh_tokens set used_at = now() where id = ?', [token.id], tx);
    await this.run(
      `insert into refresh_tokens (id, user_id, family_id, token_hash, expires_at) values (?, ?, ?, ?, ?)`,
      [newId(), token.userId, token.familyId, nextHash, token.expiresAt],
      tx,
    );
  }

  /** Ends the session `familyId`: every token of it still live is revoked. */
  async revokeFamily(tx: Tx, familyId: string): Promise<void> {
    await this.run('update refresh_tokens set revoked_at = now() where family_id = ? and revoked_at is null', [familyId], tx);
  }

  /** Ends the session of the refresh token with this hash; its owner, or null for an unknown or already ended one. */
  async revokeByToken(tokenHash: string): Promise<string | null> {
    const row = await this.row<{ user_id: string }>(
      `update refresh_tokens set revoked_at = now()
        where family_id = (select family_id from refresh_tokens where token_hash = ?) and revoked_at is null
        returning user_id`,
      [tokenHash],
    );
    return row?.user_id ?? null;
  }

  /** Ends every session of the account, except `exceptFamilyId` when given. */
  async revokeAllOf(tx: Tx, userId: string, exceptFamilyId?: string): Promise<void> {
    if (exceptFamilyId) {
      await this.run(
        'update refresh_tokens set revoked_at = now() where user_id = ? and family_id <> ? and revoked_at is null',
        [userId, exceptFamilyId],
        tx,
      );
    } else {
      await this.run('update refresh_tokens set revoked_at = now() where user_id = ? and revoked_at is null', [userId], tx);
    }
  }
}
