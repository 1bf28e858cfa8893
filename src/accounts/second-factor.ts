import type { AuditService } from '../shared/audit.service';
import { DomainError } from '../shared/errors';
import type { RequestInfo } from '../shared/request-info';
import { hashRecoveryCode, openTotpSecret, type MfaKeys } from './mfa-crypto';
import type { MfaRepository, MfaState } from './mfa.repository';
import { normaliseRecoveryCode, verifyTotp } from './totp';

/** TOTP steps accepted either side of the current one (clock drift and typing time), as RFC 6238 §5.2 suggests. */
export const TOTP_WINDOW = 1;

const INVALID_SECOND_FACTOR = 'Código de verificação inválido ou já utilizado.';

/**
 * The second factor as sign-in and re-authentication check it: whether an account has one on, and spending a TOTP
 * code or a recovery code. Turning it on and off is the MFA service's; this part is built before the sessions service,
 * the re-authenticator and the MFA service, which all need it, so none of them has to be plugged into another after
 * construction.
 *
 * Every accepted TOTP code advances the account's last accepted time step in one conditional statement, so a code (or
 * an older one) never works twice, even for two sign-ins racing on different instances. These checks run outside any
 * transaction: a spent code stays spent whatever happens to the request after.
 */
export class SecondFactor {
  constructor(
    private readonly mfa: MfaRepository,
    private readonly keys: MfaKeys,
    private readonly audit: AuditService,
  ) {}

  /** Whether the account has two-factor authentication on (re-authentication then accepts a code). */
  async isEnabled(userId: string): Promise<boolean> {
    return Boolean((await this.mfa.stateOf(userId))?.enabledAt);
  }

  /** Spends a current TOTP code or an unused recovery code of the account; false when it is wrong or was used before. */
  async consume(userId: string, code: string): Promise<boolean> {
    const state = await this.mfa.stateOf(userId);
    return state?.enabledAt ? this.consumeCode(userId, state, code) : false;
  }

  /**
   * The password grant's second factor. Accounts without two-factor authentication pass. Otherwise `otp` must be a
   * TOTP code newer than the last accepted one (±1 step) or an unused recovery code: missing -> `second-factor-required`,
   * wrong or replayed -> `invalid-credentials` (which the sessions service counts toward the login throttle).
   */
  async verifySignIn(userId: string, otp: string | undefined, info: RequestInfo): Promise<void> {
    const state = await this.mfa.stateOf(userId);
    if (!state?.enabledAt) return;
    if (!otp?.trim()) throw new DomainError('second-factor-required');
    if (!(await this.consumeCode(userId, state, otp))) {
      await this.audit.recordAlone('sign_in_failed', info, { subjectId: userId, details: { reason: 'second_factor' } });
      throw new DomainError('invalid-credentials', INVALID_SECOND_FACTOR);
    }
  }

  /** Spends a TOTP code (advancing the last accepted step) or a recovery code. */
  private async consumeCode(userId: string, state: MfaState, input: string): Promise<boolean> {
    const typed = input.replace(/\s/g, '');
    if (/^\d{6}$/.test(typed)) {
      const secret = openTotpSecret(this.keys.secretKey, userId, state.totpSecret!);
      const step = verifyTotp(secret, typed, new Date(), TOTP_WINDOW);
      return step !== null && this.mfa.acceptStep(userId, step);
    }
    const recoveryCode = normaliseRecoveryCode(input);
    if (!recoveryCode) return false;
    return this.mfa.spendRecoveryCode(userId, hashRecoveryCode(this.keys.recoveryCodeKey, userId, recoveryCode));
  }
}
