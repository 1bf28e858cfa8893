import type { AuditService } from '../shared/audit.service';
import { DomainError, type FieldError } from '../shared/errors';
import type { RequestInfo } from '../shared/request-info';
import type { PasswordHasher } from './password-hashing';
import { SignInLocked, type SignInThrottle } from './sign-in-throttle';
import type { SecondFactor } from './second-factor';
import type { UsersRepository } from './users.repository';

/** What a sensitive change carries in its body to prove the account holder is making it. */
export interface ReauthenticationProof {
  currentPassword?: string;
  /** A current code of the authenticator app, or an unused recovery code (accounts with a second factor). */
  secondFactorCode?: string;
}

/**
 * `either`: the current password, or a second-factor code when the account has a second factor on.
 * `both`: the password and a second-factor code (turning the second factor off needs what it protects and itself).
 */
export type ProofRequired = 'either' | 'both';

const WRONG_PASSWORD = 'A senha atual não confere.';
const WRONG_CODE = 'Código de verificação inválido ou já utilizado.';
const TOO_MANY_ATTEMPTS = 'Muitas tentativas com senha ou código inválido. Aguarde e tente novamente.';

/**
 * Re-authentication for sensitive changes (e-mail, password, second factor on or off): an access token alone proves
 * only that someone holds it, which a stolen token also does. The proof travels in the request body; a wrong one is a
 * failed sign-in, counted on the same per-account and per-address budget as the password grant ({@link SignInThrottle}).
 */
export class Reauthenticator {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: SignInThrottle,
    private readonly audit: AuditService,
    private readonly secondFactor: SecondFactor,
  ) {}

  /**
   * Checks the proof for the active account `userId`; throws `reauthentication-required` (403) when it is missing or
   * wrong, `rate-limited` (429) while the account or the address is locked out. Spends the second-factor code it used.
   */
  async confirm(
    userId: string,
    proof: ReauthenticationProof,
    info: RequestInfo,
    required: ProofRequired = 'either',
  ): Promise<void> {
    const credentials = await this.users.credentialsOf(userId);
    if (!credentials) throw new DomainError('not-found', 'Usuário não encontrado.');
    const password = nonEmpty(proof.currentPassword);
    const code = nonEmpty(proof.secondFactorCode);
    const codeUsable = code !== undefined && (await this.secondFactor.isEnabled(userId));
    const usePassword = required === 'both' || password !== undefined;
    const useCode = required === 'both' || (!usePassword && codeUsable);
    if ((usePassword && password === undefined) || (useCode && !codeUsable) || (!usePassword && !useCode)) {
      throw new DomainError('reauthentication-required', undefined, {
        errors: missingFields(required, password !== undefined, codeUsable),
      });
    }

    let attempt;
    try {
      attempt = await this.throttle.begin({ userId }, info.address);
    } catch (error) {
      if (error instanceof SignInLocked) {
        throw new DomainError('rate-limited', TOO_MANY_ATTEMPTS, { retryAfterSeconds: error.retryAfterSeconds });
      }
      throw error;
    }
    const errors: FieldError[] = [];
    const { passwordHash } = credentials;
    if (usePassword && !(passwordHash && (await this.hasher.verifyPassword(passwordHash, password!)))) {
      errors.push({ field: 'currentPassword', message: WRONG_PASSWORD });
    }
    // The code is spent only with a right password: a wrong password must not burn the citizen's next code.
    if (useCode && errors.length === 0 && !(await this.secondFactor.consume(userId, code!))) {
      errors.push({ field: 'secondFactorCode', message: WRONG_CODE });
    }
    if (errors.length > 0) {
      await this.audit.recordAlone('reauthentication_failed', info, { actorId: userId, subjectId: userId });
      if (attempt.lockSeconds > 0) {
        throw new DomainError('rate-limited', TOO_MANY_ATTEMPTS, { retryAfterSeconds: attempt.lockSeconds });
      }
      throw new DomainError('reauthentication-required', errors[0].message, { errors });
    }
    await attempt.succeeded();
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function missingFields(required: ProofRequired, hasPassword: boolean, hasCode: boolean): FieldError[] {
  if (required === 'either') {
    return [{ field: 'currentPassword', message: 'Informe a senha atual (ou um código de verificação, se usar duas etapas).' }];
  }
  const errors: FieldError[] = [];
  if (!hasPassword) errors.push({ field: 'currentPassword', message: 'Informe a senha atual.' });
  if (!hasCode) errors.push({ field: 'secondFactorCode', message: 'Informe um código do aplicativo autenticador.' });
  return errors;
}
