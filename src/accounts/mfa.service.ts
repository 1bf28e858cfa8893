import { qrCodeDataUrl } from '../shared/qr-code';
import type { EntityManager } from '../db/orm';
import { DomainError, validationError } from '../shared/errors';
import { newId } from '../shared/ids';
import type { AuditService } from '../shared/audit.service';
import type { RequestInfo } from '../shared/request-info';
import { Throttle, type ThrottlePolicy } from '../shared/throttle';
import type { AccountParticipant } from './accounts.service';
import { hashRecoveryCode, openTotpSecret, sealTotpSecret, type MfaKeys } from './mfa-crypto';
import type { Actor } from '../shared/access';
import type { Reauthenticator, ReauthenticationProof } from './reauthentication';
import { TOTP_WINDOW } from './second-factor';
import type { AccountNotices } from './account-notices';
import { generateRecoveryCodes, generateTotpSecret, otpauthUri, verifyTotp } from './totp';
import { User } from './user.entity';

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

interface MfaRow {
  totp_secret: Uint8Array | null;
  pending_secret: Uint8Array | null;
  enabled_at: Date | string | null;
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
  private readonly manageThrottle: Throttle;

  constructor(
    private readonly em: EntityManager,
    private readonly keys: MfaKeys,
    private readonly audit: AuditService,
    throttlePolicy: ThrottlePolicy,
    private readonly reauth: Reauthenticator,
    private readonly notices: AccountNotices,
    private readonly issuer = 'Prefeitura do Rio',
  ) {
    this.manageThrottle = new Throttle(throttlePolicy);
  }

  /**
   * Starts (or restarts) enrolment: a new 160-bit secret from the CSPRNG is kept, sealed, as pending until
   * {@link activate} proves the app holds it. Refused while two-factor authentication is already on.
   */
  async startEnrolment(actor: Actor): Promise<TotpEnrolment> {
    const em = this.em.fork();
    const user = await this.activeUser(em, actor.id);
    const current = await this.row(em, user.id);
    if (current?.enabled_at) throw alreadyEnabled();
    const secret = generateTotpSecret();
    await em.execute(
      `insert into user_mfa (user_id, pending_secret, pending_started_at) values (?, ?, now())
       on conflict (user_id) do update set pending_secret = excluded.pending_secret, pending_started_at = now(),
         updated_at = now()`,
      [user.id, sealTotpSecret(this.keys.secretKey, user.id, secret)],
    );
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
    const em = this.em.fork();
    const throttleKey = this.throttleKey(actor.id);
    await this.refuseWhileLocked(em, throttleKey);
    const user = await this.activeUser(em, actor.id);
    const row = await this.row(em, user.id);
    if (row?.enabled_at) throw alreadyEnabled();
    if (!row?.pending_secret) {
      throw new DomainError('conflict', 'Nenhuma configuração em andamento: comece gerando um novo código QR.');
    }
    await this.reauth.confirm(em, user.id, proof, info);
    const pending = Buffer.from(row.pending_secret);
    const step = verifyTotp(openTotpSecret(this.keys.secretKey, user.id, pending), code, new Date(), TOTP_WINDOW);
    if (step === null) {
      await this.countFailure(em, throttleKey);
      throw validationError([{ field: 'code', message: WRONG_CODE }]);
    }
    const codes = generateRecoveryCodes(RECOVERY_CODE_COUNT);
    await em.transactional(async (tem) => {
      // Conditional on the very pending secret that was checked: a concurrent restart of enrolment wins instead.
      const updated = await tem.execute<{ user_id: string }[]>(
        `update user_mfa set totp_secret = pending_secret, pending_secret = null, pending_started_at = null,
           enabled_at = now(), last_step = ?, updated_at = now()
         where user_id = ? and enabled_at is null and pending_secret = ?
         returning user_id`,
        [step, user.id, pending],
      );
      if (updated.length === 0) throw new DomainError('conflict', 'A configuração mudou enquanto era ativada. Comece de novo.');
      await tem.execute('delete from mfa_recovery_codes where user_id = ?', [user.id]);
      for (const recoveryCode of codes) {
        await tem.execute('insert into mfa_recovery_codes (id, user_id, code_hash) values (?, ?, ?)', [
          newId(),
          user.id,
          hashRecoveryCode(this.keys.recoveryCodeKey, user.id, recoveryCode),
        ]);
      }
      await this.audit.record(tem, 'mfa_enabled', info, { actorId: actor.id, subjectId: user.id });
    });
    await this.manageThrottle.reset(em, throttleKey);
    if (user.email) await this.notices.secondFactorChanged(user.email, user.fullName, true);
    return codes;
  }

  /**
   * Turns two-factor authentication off. Needs both the password and a current code (or an unused recovery code, for
   * a citizen who lost the phone) as re-authentication; failures count as failed sign-ins. Deletes the secret and the
   * recovery codes, and tells the citizen by e-mail.
   */
  async disable(actor: Actor, proof: ReauthenticationProof, info: RequestInfo): Promise<void> {
    const em = this.em.fork();
    const user = await this.activeUser(em, actor.id);
    const row = await this.row(em, user.id);
    if (!row?.enabled_at) throw new DomainError('conflict', 'A verificação em duas etapas não está ativa.');
    await this.reauth.confirm(em, user.id, proof, info, 'both');
    await em.transactional(async (tem) => {
      await this.deleteMfaData(tem, user.id);
      await this.audit.record(tem, 'mfa_disabled', info, { actorId: actor.id, subjectId: user.id });
    });
    if (user.email) await this.notices.secondFactorChanged(user.email, user.fullName, false);
  }

  /** Whether two-factor authentication is on and how many recovery codes are still unused. */
  async status(actor: Actor): Promise<MfaStatus> {
    const em = this.em.fork();
    const user = await this.activeUser(em, actor.id);
    const row = await this.row(em, user.id);
    if (!row?.enabled_at) return { totpEnabled: false, recoveryCodesLeft: 0 };
    const counted = await em.execute<{ unused: number | string }[]>(
      'select count(*) as unused from mfa_recovery_codes where user_id = ? and used_at is null',
      [user.id],
    );
    return { totpEnabled: true, recoveryCodesLeft: Number(counted[0].unused) };
  }

  /** LGPD erasure: the secrets and recovery codes go with the account. */
  async onErased(em: EntityManager, userId: string): Promise<void> {
    await this.deleteMfaData(em, userId);
  }

  /** The export shows whether two-factor authentication is on, never a secret or a code. */
  async exportSection(em: EntityManager, userId: string): Promise<[name: string, data: unknown]> {
    const rows = await em.execute<{ enabled_at: Date | string | null }[]>(
      'select enabled_at from user_mfa where user_id = ? and enabled_at is not null',
      [userId],
    );
    const enabledAt = rows[0]?.enabled_at;
    return ['twoFactor', { totpEnabled: Boolean(enabledAt), enabledAt: enabledAt ? new Date(enabledAt).toISOString() : null }];
  }

  private async deleteMfaData(em: EntityManager, userId: string): Promise<void> {
    await em.execute('delete from mfa_recovery_codes where user_id = ?', [userId]);
    await em.execute('delete from user_mfa where user_id = ?', [userId]);
  }

  private async row(em: EntityManager, userId: string): Promise<MfaRow | undefined> {
    const rows = await em.execute<MfaRow[]>('select totp_secret, pending_secret, enabled_at from user_mfa where user_id = ?', [
      userId,
    ]);
    return rows[0];
  }

  private async activeUser(em: EntityManager, userId: string): Promise<User> {
    const user = await em.findOne(User, { id: userId, status: 'active' });
    if (!user) throw new DomainError('not-found', 'Usuário não encontrado.');
    return user;
  }

  private throttleKey(userId: string): string {
    return `mfa-manage:${userId}`;
  }

  private async refuseWhileLocked(em: EntityManager, key: string): Promise<void> {
    const locked = await this.manageThrottle.secondsLocked(em, key);
    if (locked > 0) throw new DomainError('rate-limited', TOO_MANY_ATTEMPTS, { retryAfterSeconds: locked });
  }

  /** Counts a wrong code or password; the failure that reaches the limit already answers as throttled. */
  private async countFailure(em: EntityManager, key: string): Promise<void> {
    const lock = await this.manageThrottle.fail(em, key);
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
