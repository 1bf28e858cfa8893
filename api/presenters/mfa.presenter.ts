import type { MfaStatus, TotpEnrolment } from '../../src/accounts/mfa.service';

/** A TOTP enrolment as the API shows it, once: the only response that ever carries the secret. */
export interface TotpEnrolmentView {
  /** Segredo em base32, para digitar no aplicativo autenticador se não for possível ler o código QR. */
  secret: string;
  /** URI `otpauth://totp/...` (Key URI Format). */
  otpauthUri: string;
  /** O mesmo URI como código QR: `data:image/png;base64,...`. */
  qrCodePng: string;
}

/** Two-factor status: never a secret nor a code. */
export interface MfaStatusView {
  totpEnabled: boolean;
  recoveryCodesLeft: number;
}

/** Recovery codes, shown once at activation. */
export interface RecoveryCodesView {
  /** 10 códigos `XXXX-XXXX`, cada um válido uma única vez. Guarde-os em lugar seguro: não serão mostrados de novo. */
  recoveryCodes: string[];
}

export function presentEnrolment(enrolment: TotpEnrolment): TotpEnrolmentView {
  return { secret: enrolment.secret, otpauthUri: enrolment.otpauthUri, qrCodePng: enrolment.qrCodePngDataUrl };
}

export function presentMfaStatus(status: MfaStatus): MfaStatusView {
  return { totpEnabled: status.totpEnabled, recoveryCodesLeft: status.recoveryCodesLeft };
}
