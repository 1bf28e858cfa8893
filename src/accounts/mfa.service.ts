import { qrCodeDataUrl } from '../shared/qr-code';
import type { Transactions, Tx } from '../db/repository';
import { DomainError, validationError } from '../shared/errors';
import type { AuditService } from '../shared/audit.service';
import type { RequestInfo } from '../shared/request-info';
import type { Throttle } from '../shared/throttle';
import type { AccountParticipant } from './accounts.service';
import { hashRecoveryCode, openTotpSecret, sealTotpSecret, type MfaKeys } from './mfa-crypto';
import type { MfaRepository } from './mfa.repository';
import type { Actor } from '../shared/access';
import type { Reauthenticator, ReauthenticationProof } from './reauthentication';
import { TOTP_WINDOW } from './second-factor';
import type { AccountNotices } from './account-notices';
import { generateRecoveryCodes, generateTotpSecret, otpauthUri, verifyTotp } from './totp';
import type { User } from './user';
import type { UsersRepository } from './users.repository';

/** What a citizen needs to add the account to an authenticator app. The secret is shown this once. */
export interface TotpEnrolment {
  /** Base32 secret, for typing into the app by hand. */
  secret: string;
  otpauthUri: string;
  /** The URI as a QR code: `data:image/png;base64,...`. */
  qrCodePngDataUrl: string;
}

/** Two-factor status of an account, without any secret. */
export interface MfaStatus {
  totpEnabled: boolean;
  recoveryCodesLeft: number;
}

const RECOVERY_CODE_COUNT = 10;
const WRONG_CODE = 'Código inválido. Confira o código atual no aplicativo autenticador.';
const TOO_MANY_ATTEMPTS = 'Muitas tentativas com código inválido. Aguarde e tente novamente.';

/**
 * Two-factor authentication with TOTP (RFC 6238) and single-use recovery codes: enrolment, activation and disabling.
 * Checking a code at sign-in or re-authentication is {@link SecondFactor}'s.
 *
 * Secrets are stored sealed with AES-256-GCM; recovery codes as keyed HMACs.
 */
export class MfaService implements AccountParticipant {
  constructor(
    private readonly transactions: Transactions,
    private readonly mfa: MfaRepository,
    private readonly users: UsersRepository,
    private readonly keys: MfaKeys,
    private readonly audit: AuditService,
    /** Wrong codes when turning two-factor authentication on, per account. */
    private readonly manageThrottle: Throttle,
    private readonly reauth: Reauthenticator,
    private readonly notices: AccountNotices,
    private readonly issuer = 'Prefeitura do Rio',
  ) {}

  /**
   * Starts (or restarts) enrolment: a new 160-bit secret from the CSPRNG is kept, sealed, as pending until
   * {@link activate} proves the app holds it. Refused while two-factor authentication is already on.
   */
  async startEnrolment(actor: Actor): Promise<TotpEnrolment> {
    const user = await this.activeUser(actor.id);
    const current = await this.mfa.stateOf(user.id);
    if (current?.enabledAt) throw alreadyEnabled();
    const secret = generateTotpSecret();
    await this.mfa.startEnrolment(user.id, sealTotpSecret(this.keys.secretKey, user.id, secret));
    const uri = otpauthUri({ secret, accountName: accountLabel(user), issuer: this.issuer });
    const qrCodePngDataUrl = await qrCodeDataUrl(uri, { type: 'image/png', errorCorrectionLevel: 'M', margin: 2 });
    return { secret, otpauthUri: uri, qrCodePngDataUrl };
  }

  /**
   * Turns two-factor authentication on with a code from the pending secret, and returns 10 new recovery codes: shown
   * this once, stored only as HMACs. Needs re-authentication (the current password): with a stolen access token alone,
   * turning it on would lock the owner out. Wrong codes are throttled per account like sign-in attempts. The citizen is
   * told by e-mail.
   */
  async activate(actor: Actor, code: string, proof: ReauthenticationProof, info: RequestInfo): Promise<string[]> {
    const throttleKey = this.throttleKey(actor.id);
    await this.refuseWhileLocked(throttleKey);
    const user = await this.activeUser(actor.id);
    const state = await this.mfa.stateOf(user.id);
    if (state?.enabledAt) throw alreadyEnabled();
    if (!state?.pendingSecret) {
      throw new DomainError('conflict', 'Nenhuma configuração em andamento: comece gerando um novo código QR.');
    }
    await this.reauth.confirm(user.id, proof, info);
    const pending = state.pendingSecret;
    const step = verifyTotp(openTotpSecret(this.keys.secretKey, user.id, pending), code, new Date(), TOTP_WINDOW);
    if (step === null) {
      await this.countFailure(throttleKey);
      throw validationError([{ field: 'code', message: WRONG_CODE }]);
    }
    const codes = generateRecoveryCodes(RECOVERY_CODE_COUNT);
    await this.transactions.run(async (tx) => {
      // Conditional on the very pending secret that was checked: a concurrent restart of enrolment wins instead.
      if (!(await this.mfa.activate(tx, user.id, pending, step))) {
        throw new DomainError('conflict', 'A configuração mudou enquanto era ativada. Comece de novo.');
      }
      await this.mfa.replaceRecoveryCodes(
        tx,
        user.id,
        codes.map((recoveryCode) => hashRecoveryCode(this.keys.recoveryCodeKey, user.id, recoveryCode)),
      );
      await this.audit.record(tx, 'mfa_enabled', info, { actorId: actor.id, subjectId: user.id });
    });
    await this.manageThrottle.reset(throttleKey);
    if (user.email) await this.notices.secondFactorChanged(user.email, user.fullName, true);
    return codes;
  }

  /**
   * Turns two-factor authentication off. Needs both the password and a current code (or an unused recovery code, for
   * a citizen who lost the phone) as re-authentication; failures count as failed sign-ins. Deletes the secret and the
   * recovery codes, and tells the citizen by e-mail.
   */
  async disable(actor: Actor, proof: ReauthenticationProof, info: RequestInfo): Promise<void> {
    const user = await this.activeUser(actor.id);
    const state = await this.mfa.stateOf(user.id);
    if (!state?.enabledAt) throw new DomainError('conflict', 'A verificação em duas etapas não está ativa.');
    await this.reauth.confirm(user.id, proof, info, 'both');
    await this.transactions.run(async (tx) => {
      await this.mfa.deleteAllOf(tx, user.id);
      await this.audit.record(tx, 'mfa_disabled', info, { actorId: actor.id, subjectId: user.id });
    });
    if (user.email) await this.notices.secondFactorChanged(user.email, user.fullName, false);
  }

  /** Whether two-factor authentication is on and how many recovery codes are still unused. */
  async status(actor: Actor): Promise<MfaStatus> {
    const user = await this.activeUser(actor.id);
    const state = await this.mfa.stateOf(user.id);
    if (!state?.enabledAt) return { totpEnabled: false, recoveryCodesLeft: 0 };
    return { totpEnabled: true, recoveryCodesLeft: await this.mfa.unusedRecoveryCodes(user.id) };
  }

  /** LGPD erasure: the secrets and recovery codes go with the account. */
  async onErased(tx: Tx, userId: string): Promise<void> {
    await this.mfa.deleteAllOf(tx, userId);
  }

  /** The export shows whether two-factor authentication is on, never a secret or a code. */
  async exportSection(tx: Tx, userId: string): Promise<[name: string, data: unknown]> {
    const enabledAt = (await this.mfa.stateOf(userId, tx))?.enabledAt ?? null;
    return ['twoFactor', { totpEnabled: Boolean(enabledAt), enabledAt: enabledAt ? enabledAt.toISOString() : null }];
  }

  private async activeUser(userId: string): Promise<User> {
    const user = await this.users.find(userId, ['active']);
    if (!user) throw new DomainError('not-found', 'Usuário não encontrado.');
    return user;
  }

  private throttleKey(userId: string): string {
    return `mfa-manage:${userId}`;
  }

  private async refuseWhileLocked(key: string): Promise<void> {
    const locked = await this.manageThrottle.secondsLocked(key);
    if (locked > 0) throw new DomainError('rate-limited', TOO_MANY_ATTEMPTS, { retryAfterSeconds: locked });
  }

  /** Counts a wrong code or password; the failure that reaches the limit already answers as throttled. */
  private async countFailure(key: string): Promise<void> {
    const lock = await this.manageThrottle.fail(key);
    if (lock > 0) throw new DomainError('rate-limited', TOO_MANY_ATTEMPTS, { retryAfterSeconds: lock });
  }
}

function alreadyEnabled(): DomainError {
  return new DomainError('conflict', 'A verificação em duas etapas já está ativa nesta conta.');
}

/** How the account appears in the authenticator app: the e-mail, or else the CPF with only its middle digits. */
function accountLabel(user: User): string {
  if (user.email) return user.email;
  const cpf = user.cpf ?? '';
  return cpf.length === 11 ? `***.${cpf.slice(3, 6)}.${cpf.slice(6, 9)}-**` : 'Carteira Digital Carioca';
}
