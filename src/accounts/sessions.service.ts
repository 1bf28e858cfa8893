import type { AuthConfig } from '../config';
import type { EntityManager } from '../db/orm';
import { DomainError } from '../shared/errors';
import { newId } from '../shared/ids';
import type { AuditService } from '../shared/audit.service';
import type { Mailer } from '../shared/mailer';
import type { RequestInfo } from '../shared/request-info';
import { Throttle } from '../shared/throttle';
import { epochSeconds, type Clock } from '../shared/clock';
import { normaliseCpf } from '../shared/cpf';
import { isUuid } from '../shared/ids';
import type { PasswordHasher } from './password-hashing';
import { checkPassword } from './password-policy';
import { normaliseEmail } from './registration-rules';
import { hashToken, newOpaqueToken, signAccessToken } from './tokens';
import { User } from './user.entity';
import type { Actor } from '../shared/access';
import type { SessionRevoker } from './accounts.service';
import { SignInLocked, type SignInAttempt, type SignInThrottle } from './sign-in-throttle';
import { prepared, runPrepared } from '../db/prepared';
import type { SecondFactor } from './second-factor';

/**
 * The bearer token's check, run for every authenticated request (prepared: src/db/prepared.ts): the account is active
 * and the token's session (refresh-token family) has not ended — not revoked by logout, a password change or reset,
 * refresh-token reuse, suspension or erasure, and within its absolute lifetime. One statement, one round trip. The
 * partial index refresh_tokens_live_family_idx holds only live tokens, so an ended session costs one empty probe.
 */
const ACTIVE_SESSION_ROLE = prepared(
  'active_session_role',
  `select u.role from users u
    where u.id = ? and u.status = 'active'
      and exists (select 1 from refresh_tokens r
                   where r.family_id = ? and r.user_id = u.id and r.revoked_at is null and r.expires_at > ?)`,
);

/** The OAuth 2.0 token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
}

const TOO_MANY_ATTEMPTS = 'Muitas tentativas de acesso. Aguarde e tente novamente.';

/**
 * Sign-in and sessions: the password and refresh-token grants, logout, password recovery, and turning an access
 * token's claims into an {@link Actor}.
 *
 * A session is a refresh-token family: every refresh rotates the token; presenting a spent one means it was stolen or
 * replayed, so the whole family is revoked.
 */
export class SessionsService implements SessionRevoker {
  private readonly forgotThrottle: Throttle;

  constructor(
    private readonly em: EntityManager,
    private readonly settings: AuthConfig & { jwtSecret: string },
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly mailer: Mailer,
    private readonly publicBaseUrl: string,
    private readonly signInThrottle: SignInThrottle,
    private readonly secondFactor: SecondFactor,
    private readonly clock: Clock,
  ) {
    this.forgotThrottle = new Throttle({
      maxFailures: settings.forgotMaxRequests,
      lockSeconds: settings.loginLockSeconds,
      lockMaxSeconds: settings.loginLockMaxSeconds,
    });
  }

  /**
   * `grant_type=password` with CPF or e-mail as username. Unknown login and wrong password give the same error and
   * cost the same (an unknown login is verified against a dummy hash). Every attempt is counted before the password is
   * checked, per account and per address ({@link SignInThrottle}), so no burst gets more tries than the limit; a
   * success clears the account's count. Refusals: `invalid-credentials`, `rate-limited` (with the seconds to wait),
   * and the second factor's own ({@link SecondFactor.verifySignIn}).
   */
  async passwordGrant(username: string, password: string, otp: string | undefined, info: RequestInfo): Promise<TokenResponse> {
    const login = this.normaliseLogin(username);
    const em = this.em.fork();
    const user = login
      ? await em.findOne(User, login.includes('@') ? { email: login, status: 'active' } : { cpf: login, status: 'active' }, {
          populate: ['passwordHash'],
        })
      : null;
    let attempt: SignInAttempt;
    try {
      attempt = await this.signInThrottle.begin(
        em,
        user ? { userId: user.id } : { unknownLogin: login || username },
        info.address,
      );
    } catch (error) {
      if (!(error instanceof SignInLocked)) throw error;
      await this.audit.record(em, 'sign_in_throttled', info, {});
      throw new DomainError('rate-limited', TOO_MANY_ATTEMPTS, { retryAfterSeconds: error.retryAfterSeconds });
    }
    const valid = user?.passwordHash
      ? await this.hasher.verifyPassword(user.passwordHash, password)
      : await this.hasher.verifyAgainstDummy(password);
    if (!user || !valid) {
      await this.audit.record(em, 'sign_in_failed', info, { subjectId: user?.id ?? null });
      if (attempt.lockSeconds > 0) {
        throw new DomainError('rate-limited', TOO_MANY_ATTEMPTS, { retryAfterSeconds: attempt.lockSeconds });
      }
      throw new DomainError('invalid-credentials');
    }
    // A missing or wrong second factor keeps the attempt counted (a wrong code is a failed sign-in).
    await this.secondFactor.verifySignIn(em, user.id, otp, info);
    await attempt.succeeded(em);
    if (this.hasher.needsRehash(user.passwordHash!)) {
      await em.nativeUpdate(User, { id: user.id }, { passwordHash: await this.hasher.hashPassword(password) });
    }
    return em.transactional(async (tem) => {
      const tokens = await this.startSession(tem, user);
      await this.audit.record(tem, 'sign_in_succeeded', info, { actorId: user.id, subjectId: user.id });
      return tokens;
    });
  }

  /**
   * `grant_type=refresh_token`: rotates the token (the old one is spent). A spent or revoked token revokes its whole
   * family. The family keeps its absolute lifetime from the first sign-in. A token that cannot be used answers
   * `session-ended`, saying why.
   */
  async refreshGrant(refreshToken: string, info: RequestInfo): Promise<TokenResponse> {
    const hash = hashToken(refreshToken);
    const outcome = await this.em.fork().transactional(async (em) => {
      const rows = await em.execute<
        {
          id: string;
          user_id: string;
          family_id: string;
          expires_at: string | Date;
          used_at: unknown;
          revoked_at: unknown;
          expired: boolean;
        }[]
      >(
        `select id, user_id, family_id, expires_at, used_at, revoked_at, expires_at <= now() as expired
           from refresh_tokens where token_hash = ? for update`,
        [hash],
      );
      const row = rows[0];
      if (!row) return { error: 'Sessão inválida. Entre novamente.' };
      if (row.used_at || row.revoked_at) {
        await em.execute('update refresh_tokens set revoked_at = now() where family_id = ? and revoked_at is null', [
          row.family_id,
        ]);
        await this.audit.record(em, 'refresh_token_reused', info, {
          subjectId: row.user_id,
          details: { sessionId: row.family_id },
        });
        return { error: 'Sessão encerrada por segurança. Entre novamente.' };
      }
      if (row.expired) return { error: 'Sessão expirada. Entre novamente.' };
      const user = await em.findOne(User, { id: row.user_id, status: 'active' });
      if (!user) return { error: 'Sessão inválida. Entre novamente.' };
      await em.execute('update refresh_tokens set used_at = now() where id = ?', [row.id]);
      const next = newOpaqueToken();
      await em.execute(`insert into refresh_tokens (id, user_id, family_id, token_hash, expires_at) values (?, ?, ?, ?, ?)`, [
        newId(),
        user.id,
        row.family_id,
        next.hash,
        row.expires_at,
      ]);
      return { tokens: this.tokenResponse(user, row.family_id, next.token) };
    });
    if ('error' in outcome) throw new DomainError('session-ended', outcome.error);
    return outcome.tokens;
  }

  /** Logout: revokes the session of a refresh token. Unknown tokens are ignored (RFC 7009). */
  async revoke(token: string, info: RequestInfo): Promise<void> {
    const em = this.em.fork();
    const rows = await em.execute<{ user_id: string; family_id: string }[]>(
      `update refresh_tokens set revoked_at = now()
        where family_id = (select family_id from refresh_tokens where token_hash = ?) and revoked_at is null
        returning user_id, family_id`,
      [hashToken(token)],
    );
    if (rows.length > 0)
      await this.audit.record(em, 'signed_out', info, { actorId: rows[0].user_id, subjectId: rows[0].user_id });
  }

  /** Revokes every session of the user, except `exceptSessionId` (the one changing the password keeps working). */
  async revokeAllSessions(em: EntityManager, userId: string, exceptSessionId?: string): Promise<void> {
    if (exceptSessionId) {
      await em.execute(
        'update refresh_tokens set revoked_at = now() where user_id = ? and family_id <> ? and revoked_at is null',
        [userId, exceptSessionId],
      );
    } else {
      await em.execute('update refresh_tokens set revoked_at = now() where user_id = ? and revoked_at is null', [userId]);
    }
  }

  /**
   * Password recovery, step 1. Always succeeds from the caller's point of view (no account enumeration); when the
   * login exists, a single-use reset link valid for the configured minutes is e-mailed. Throttled per login and address.
   */
  async forgotPassword(loginInput: string, info: RequestInfo): Promise<void> {
    const login = this.normaliseLogin(loginInput);
    const em = this.em.fork();
    // The login is hashed: no CPF or e-mail in the table, and any length fits the key.
    const key = `forgot:${hashToken(login || loginInput)}:${info.address}`;
    const locked = await this.forgotThrottle.secondsLocked(em, key);
    if (locked > 0)
      throw new DomainError('rate-limited', 'Muitos pedidos de recuperação de senha. Aguarde e tente novamente.', {
        retryAfterSeconds: locked,
      });
    await this.forgotThrottle.fail(em, key);
    if (!login) return;
    const user = await em.findOne(
      User,
      login.includes('@') ? { email: login, status: 'active' } : { cpf: login, status: 'active' },
    );
    if (!user?.email) return;
    const reset = newOpaqueToken();
    await em.transactional(async (tem) => {
      // Only the newest link works.
      await tem.execute('update password_reset_tokens set used_at = now() where user_id = ? and used_at is null', [user.id]);
      await tem.execute(
        `insert into password_reset_tokens (id, user_id, token_hash, expires_at)
         values (?, ?, ?, now() + make_interval(mins => ?))`,
        [newId(), user.id, reset.hash, this.settings.passwordResetTtlMinutes],
      );
      await this.audit.record(tem, 'password_reset_requested', info, { subjectId: user.id });
    });
    const link = `${this.publicBaseUrl}/redefinir-senha#token=${reset.token}`;
    try {
      await this.mailer.send({
        to: user.email,
        subject: 'Carteira Digital Carioca: redefinição de senha',
        text:
          `Olá, ${user.fullName.split(' ')[0]}!\n\n` +
          `Recebemos um pedido para redefinir a senha da sua Carteira Digital Carioca.\n` +
          `Use o código abaixo (ou o link) em até ${this.settings.passwordResetTtlMinutes} minutos. Ele vale uma única vez.\n\n` +
          `Código: ${reset.token}\nLink: ${link}\n\n` +
          `Se não foi você, ignore este e-mail: sua senha continua a mesma.\n\nPrefeitura da Cidade do Rio de Janeiro`,
      });
    } catch {
      // Already logged by the mailer; the answer stays the same so it reveals nothing.
    }
  }

  /** Password recovery, step 2: a valid, unused, unexpired token sets the new password and ends every session. */
  async resetPassword(token: string, newPassword: string, info: RequestInfo): Promise<void> {
    const em = this.em.fork();
    await em.transactional(async (tem) => {
      const rows = await tem.execute<{ id: string; user_id: string }[]>(
        `select id, user_id from password_reset_tokens
          where token_hash = ? and used_at is null and expires_at > now() for update`,
        [hashToken(token)],
      );
      const row = rows[0];
      if (!row)
        throw new DomainError('validation-error', undefined, {
          errors: [{ field: 'token', message: 'Código de redefinição inválido ou expirado.' }],
        });
      const user = await tem.findOne(User, { id: row.user_id, status: 'active' });
      if (!user)
        throw new DomainError('validation-error', undefined, {
          errors: [{ field: 'token', message: 'Código de redefinição inválido ou expirado.' }],
        });
      const policy = checkPassword(newPassword, {
        cpf: user.cpf ?? undefined,
        birthDate: user.birthDate ?? undefined,
        email: user.email ?? undefined,
      });
      if (policy) throw new DomainError('validation-error', undefined, { errors: [{ field: 'newPassword', message: policy }] });
      await tem.execute('update password_reset_tokens set used_at = now() where id = ?', [row.id]);
      await tem.nativeUpdate(User, { id: user.id }, { passwordHash: await this.hasher.hashPassword(newPassword) });
      await this.revokeAllSessions(tem, user.id);
      await this.audit.record(tem, 'password_reset_completed', info, { actorId: user.id, subjectId: user.id });
    });
  }

  /**
   * The actor behind verified access-token claims, or null when the account is no longer active or the token's
   * session has ended (logout, password change or reset, refresh-token reuse, suspension, erasure, end of its
   * lifetime): such a token stops working at once, however long before its `exp`. The role comes from the database,
   * so a role change applies immediately. One prepared statement: this runs on every authenticated request.
   */
  async actorFor(userId: string, sessionId: string | undefined): Promise<Actor | null> {
    if (!isUuid(userId) || sessionId === undefined || !isUuid(sessionId)) return null;
    // No unit of work needed for one read: no EntityManager fork.
    const rows = await runPrepared<{ role: Actor['role'] }>(this.em, ACTIVE_SESSION_ROLE, [userId, sessionId, this.clock.now()]);
    return rows[0] ? { id: userId, role: rows[0].role, sessionId } : null;
  }

  /** Starts a new session (refresh-token family) for a user who just proved who they are. */
  async startSession(em: EntityManager, user: User): Promise<TokenResponse> {
    const familyId = newId();
    const refresh = newOpaqueToken();
    await em.execute(
      `insert into refresh_tokens (id, user_id, family_id, token_hash, expires_at)
       values (?, ?, ?, ?, now() + make_interval(days => ?))`,
      [newId(), user.id, familyId, refresh.hash, this.settings.refreshTokenTtlDays],
    );
    return this.tokenResponse(user, familyId, refresh.token);
  }

  private tokenResponse(user: User, sessionId: string, refreshToken: string): TokenResponse {
    return {
      access_token: signAccessToken(
        {
          secret: this.settings.jwtSecret,
          issuer: this.settings.issuer,
          audience: this.settings.audience,
          ttlSeconds: this.settings.accessTokenTtlSeconds,
        },
        user,
        sessionId,
        epochSeconds(this.clock),
      ),
      token_type: 'Bearer',
      expires_in: this.settings.accessTokenTtlSeconds,
      refresh_token: refreshToken,
    };
  }

  /** CPF (any punctuation) or e-mail, in the form they are stored; empty when it can be neither. */
  private normaliseLogin(username: string): string {
    const trimmed = username.trim();
    if (trimmed.includes('@')) return normaliseEmail(trimmed);
    const cpf = normaliseCpf(trimmed);
    return /^\d{11}$/.test(cpf) ? cpf : '';
  }
}
