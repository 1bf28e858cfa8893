import type { EntityManager } from '../db/orm';
import type { AuditService } from '../shared/audit.service';
import { DomainError } from '../shared/errors';
import type { RequestInfo } from '../shared/request-info';
import { hashRecoveryCode, openTotpSecret, type MfaKeys } from './mfa-crypto';
import { normaliseRecoveryCode, verifyTotp } from './totp';

/** TOTP steps accepted either side of the current one (clock drift and typing time), as RFC 6238 §5.2 suggests. */
export const TOTP_WINDOW = 1;

const INVALID_SECOND_FACTOR = 'Código de verificação inválido ou já utilizado.';

interface MfaRow {
  totp_secret: Uint8Array | null;
  enabled_at: Date | string | null;
}

/**
 * The second factor as sign-in and re-authentication check it: whether an account has one on, and spending a TOTP
 * code or a recovery code. Turning it on and off is the MFA service's; this part is built before the sessions service,
 * the re-authenticator and the MFA service, which all need it, so none of them has to be plugged into another after
 * construction.
 *
 * Every accepted TOTP code advances the account's last accepted time step in one conditional UPDATE, so a code (or an
 * older one) never works twice, even for two sign-ins racing on different instances.
 */
export class SecondFactor {
  constructor(
    private readonly keys: MfaKeys,
    private readonly audit: AuditService,
  ) {}

  /** Whether the account has two-factor authentication on (re-authentication then accepts a code). */
  async isEnabled(em: EntityManager, userId: string): Promise<boolean> {
    return Boolean((await this.row(em, userId))?.enabled_at);
  }

  /** Spends a current TOTP code or an unused recovery code of the account; false when it is wrong or was used before. */
  async consume(em: EntityManager, userId: string, code: string): Promise<boolean> {
    const row = await this.row(em, userId);
    return row?.enabled_at ? this.consumeCode(em, userId, row, code) : false;
  }

  /**
   * The password grant's second factor. Accounts without two-factor authentication pass. Otherwise `otp` must be a
   * TOTP code newer than the last accepted one (±1 step) or an unused recovery code: missing -> `second-factor-required`,
   * wrong or replayed -> `invalid-credentials` (which the sessions service counts toward the login throttle).
   */
  async verifySignIn(em: EntityManager, userId: string, otp: string | undefined, info: RequestInfo): Promise<void> {
    const row = await this.row(em, userId);
    if (!row?.enabled_at) return;
    if (!otp?.trim()) throw new DomainError('second-factor-required');
    if (!(await this.consumeCode(em, userId, row, otp))) {
      await this.audit.record(em, 'sign_in_failed', info, { subjectId: userId, details: { reason: 'second_factor' } });
      throw new DomainError('invalid-credentials', INVALID_SECOND_FACTOR);
    }
  }

  /**
   * Spends a TOTP code or a recovery code, each in one conditional statement: of two concurrent uses of the same
   * code, exactly one matches the `where` clause.
   */
  private async consumeCode(em: EntityManager, userId: string, row: MfaRow, input: string): Promise<boolean> {
    const typed = input.replace(/\s/g, '');
    if (/^\d{6}$/.test(typed)) {
      const secret = openTotpSecret(this.keys.secretKey, userId, Buffer.from(row.totp_secret!));
      const step = verifyTotp(secret, typed, new Date(), TOTP_WINDOW);
      if (step === null) return false;
      const accepted = await em.execute<{ user_id: string }[]>(
        `update user_mfa set last_step = ?, updated_at = now()
          where user_id = ? and enabled_at is not null and last_step < ? returning user_id`,
        [step, userId, step],
      );
      return accepted.length === 1;
    }
    const recoveryCode = normaliseRecoveryCode(input);
    if (!recoveryCode) return false;
    const spent = await em.execute<{ id: string }[]>(
      `update mfa_recovery_codes set used_at = now()
        where user_id = ? and code_hash = ? and used_at is null returning id`,
      [userId, hashRecoveryCode(this.keys.recoveryCodeKey, userId, recoveryCode)],
    );
    return spent.length === 1;
  }

  private async row(em: EntityManager, userId: string): Promise<MfaRow | undefined> {
    const rows = await em.execute<MfaRow[]>('select totp_secret, enabled_at from user_mfa where user_id = ?', [userId]);
    return rows[0];
  }
}
