import type { AuthConfig } from '../config';
import type { Transactions, Tx } from '../db/repository';
import { DomainError } from '../shared/errors';
import { newId, isUuid } from '../shared/ids';
import type { AuditService } from '../shared/audit.service';
import type { Mailer } from '../shared/mailer';
import type { PublicLinks } from '../shared/public-links';
import type { RequestInfo } from '../shared/request-info';
import type { Throttle } from '../shared/throttle';
import { epochSeconds, type Clock } from '../shared/clock';
import { normaliseCpf } from '../shared/cpf';
import type { Actor } from '../shared/access';
import type { AccountCodesRepository } from './account-codes.repository';
import type { PasswordHasher } from './password-hashing';
import { checkPassword } from './password-policy';
import { normaliseEmail } from './registration-rules';
import type { SecondFactor } from './second-factor';
import type { SessionsRepository } from './sessions.repository';
import { SignInLocked, type SignInAttempt, type SignInThrottle } from './sign-in-throttle';
import { hashToken, newOpaqueToken, signAccessToken } from './tokens';
import type { User } from './user';
import type { Login, UsersRepository } from './users.repository';

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
export class SessionsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly codes: AccountCodesRepository,
    private readonly settings: AuthConfig & { jwtSecret: string },
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly mailer: Mailer,
    private readonly links: PublicLinks,
    private readonly signInThrottle: SignInThrottle,
    /** Password-recovery requests, per login and address. */
    private readonly forgotThrottle: Throttle,
    private readonly secondFactor: SecondFactor,
    private readonly clock: Clock,
  ) {}

  /**
   * `grant_type=password` with CPF or e-mail as username. Unknown login and wrong password give the same error and
   * cost the same (an unknown login is verified against a dummy hash). Every attempt is counted before the password is
   * checked, per account and per address ({@link SignInThrottle}), so no burst gets more tries than the limit; a
   * success clears the account's count. Refusals: `invalid-credentials`, `rate-limited` (with the seconds to wait),
   * and the second factor's own ({@link SecondFactor.verifySignIn}).
   */
  async passwordGrant(username: string, password: string, otp: string | undefined, info: RequestInfo): Promise<TokenResponse> {
    const login = this.normaliseLogin(username);
    const credentials = login ? await this.users.credentialsByLogin(login) : null;
    const user = credentials?.user;
    let attempt: SignInAttempt;
    try {
      attempt = await this.signInThrottle.begin(
        user ? { userId: user.id } : { unknownLogin: loginText(login) || username },
        info.address,
      );
    } catch (error) {
      if (!(error instanceof SignInLocked)) throw error;
      await this.audit.recordAlone('sign_in_throttled', info, {});
      throw new DomainError('rate-limited', TOO_MANY_ATTEMPTS, { retryAfterSeconds: error.retryAfterSeconds });
    }
    const passwordHash = credentials?.passwordHash;
    const valid = passwordHash
      ? await this.hasher.verifyPassword(passwordHash, password)
      : await this.hasher.verifyAgainstDummy(password);
    if (!user || !passwordHash || !valid) {
      await this.audit.recordAlone('sign_in_failed', info, { subjectId: user?.id ?? null });
      if (attempt.lockSeconds > 0) {
        throw new DomainError('rate-limited', TOO_MANY_ATTEMPTS, { retryAfterSeconds: attempt.lockSeconds });
      }
      throw new DomainError('invalid-credentials');
    }
    // A missing or wrong second factor keeps the attempt counted (a wrong code is a failed sign-in).
    await this.secondFactor.verifySignIn(user.id, otp, info);
    await attempt.succeeded();
    if (this.hasher.needsRehash(passwordHash)) {
      await this.users.setPasswordHash(user.id, await this.hasher.hashPassword(password));
    }
    return this.transactions.run(async (tx) => {
      const tokens = await this.startSession(tx, user);
      await this.audit.record(tx, 'sign_in_succeeded', info, { actorId: user.id, subjectId: user.id });
      return tokens;
    });
  }

  /**
   * `grant_type=refresh_token`: rotates the token (the old one is spent). A spent or revoked token revokes its whole
   * family. The family keeps its absolute lifetime from the first sign-in. A token that cannot be used answers
   * `session-ended`, saying why.
   */
  async refreshGrant(refreshToken: string, info: RequestInfo): Promise<TokenResponse> {
    const outcome = await this.transactions.run(async (tx) => {
      const token = await this.sessions.lockByHash(tx, hashToken(refreshToken));
      if (!token) return { error: 'Sessão inválida. Entre novamente.' };
      if (token.spent) {
        await this.sessions.revokeFamily(tx, token.familyId);
        await this.audit.record(tx, 'refresh_token_reused', info, {
          subjectId: token.userId,
          details: { sessionId: token.familyId },
        });
        return { error: 'Sessão encerrada por segurança. Entre novamente.' };
      }
      if (token.expired) return { error: 'Sessão expirada. Entre novamente.' };
      const user = await this.users.find(token.userId, ['active'], tx);
      if (!user) return { error: 'Sessão inválida. Entre novamente.' };
      const next = newOpaqueToken();
      await this.sessions.rotate(tx, token, next.hash);
      return { tokens: this.tokenResponse(user, token.familyId, next.token) };
    });
    // The reuse is recorded (committed above) before the refusal.
    if ('error' in outcome) throw new DomainError('session-ended', outcome.error);
    return outcome.tokens;
  }

  /** Logout: revokes the session of a refresh token. Unknown tokens are ignored (RFC 7009). */
  async revoke(token: string, info: RequestInfo): Promise<void> {
    const userId = await this.sessions.revokeByToken(hashToken(token));
    if (userId) await this.audit.recordAlone('signed_out', info, { actorId: userId, subjectId: userId });
  }

  /**
   * Password recovery, step 1. Always succeeds from the caller's point of view (no account enumeration); when the
   * login exists, a single-use reset link valid for the configured minutes is e-mailed. Throttled per login and address.
   */
  async forgotPassword(loginInput: string, info: RequestInfo): Promise<void> {
    const login = this.normaliseLogin(loginInput);
    // The login is hashed: no CPF or e-mail in the table, and any length fits the key.
    const key = `forgot:${hashToken(loginText(login) || loginInput)}:${info.address}`;
    const locked = await this.forgotThrottle.secondsLocked(key);
    if (locked > 0)
      throw new DomainError('rate-limited', 'Muitos pedidos de recuperação de senha. Aguarde e tente novamente.', {
        retryAfterSeconds: locked,
      });
    await this.forgotThrottle.fail(key);
    if (!login) return;
    const user = await this.users.findActiveByLogin(login);
    if (!user?.email) return;
    const reset = newOpaqueToken();
    await this.transactions.run(async (tx) => {
      // Only the newest link works.
      await this.codes.replaceResetCode(tx, user.id, reset.hash, this.settings.passwordResetTtlMinutes);
      await this.audit.record(tx, 'password_reset_requested', info, { subjectId: user.id });
    });
    const link = this.links.passwordReset(reset.token);
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
    const invalid = () =>
      new DomainError('validation-error', undefined, {
        errors: [{ field: 'token', message: 'Código de redefinição inválido ou expirado.' }],
      });
    await this.transactions.run(async (tx) => {
      const code = await this.codes.lockResetCode(tx, hashToken(token));
      if (!code) throw invalid();
      const user = await this.users.find(code.userId, ['active'], tx);
      if (!user) throw invalid();
      const policy = checkPassword(newPassword, {
        cpf: user.cpf ?? undefined,
        birthDate: user.birthDate ?? undefined,
        email: user.email ?? undefined,
      });
      if (policy) throw new DomainError('validation-error', undefined, { errors: [{ field: 'newPassword', message: policy }] });
      await this.codes.spendResetCode(tx, code.id);
      await this.users.setPasswordHash(user.id, await this.hasher.hashPassword(newPassword), tx);
      await this.sessions.revokeAllOf(tx, user.id);
      await this.audit.record(tx, 'password_reset_completed', info, { actorId: user.id, subjectId: user.id });
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
    const role = await this.sessions.activeSessionRole(userId, sessionId, this.clock.now());
    return role ? { id: userId, role, sessionId } : null;
  }

  /** Starts a new session (refresh-token family) in `tx` for a user who just proved who they are. */
  async startSession(tx: Tx, user: Pick<User, 'id' | 'role'>): Promise<TokenResponse> {
    const familyId = newId();
    const refresh = newOpaqueToken();
    await this.sessions.start(tx, user.id, familyId, refresh.hash, this.settings.refreshTokenTtlDays);
    return this.tokenResponse(user, familyId, refresh.token);
  }

  private tokenResponse(user: Pick<User, 'id' | 'role'>, sessionId: string, refreshToken: string): TokenResponse {
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

  /** CPF (any punctuation) or e-mail, in the form they are stored; null when it can be neither. */
  private normaliseLogin(username: string): Login | null {
    const trimmed = username.trim();
    if (trimmed.includes('@')) {
      const email = normaliseEmail(trimmed);
      return email ? { email } : null;
    }
    const cpf = normaliseCpf(trimmed);
    return /^\d{11}$/.test(cpf) ? { cpf } : null;
  }
}

/** The login as typed after normalisation ('' for none): the key of its throttles. */
function loginText(login: Login | null): string {
  if (!login) return '';
  return 'email' in login ? login.email : login.cpf;
}
