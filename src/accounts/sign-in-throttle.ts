import { createHash } from 'node:crypto';
import type { Clock } from '../shared/clock';
import { Throttle, type ThrottlePolicy } from '../shared/throttle';
import type { ThrottlesRepository } from '../shared/throttles.repository';

/** Limits of password guessing: per account (or unknown login) and per client address. */
export interface SignInThrottlePolicy {
  perAccount: ThrottlePolicy;
  perAddress: ThrottlePolicy;
}

/** Whose password is being tried: an account (whatever login named it), or a login that names none. */
export type SignInSubject = { userId: string } | { unknownLogin: string };

/** An attempt that got past the throttle and may be evaluated. */
export interface SignInAttempt {
  /** > 0 when this attempt was the last one allowed: a failure now answers "locked for this long". */
  readonly lockSeconds: number;
  /** The attempt succeeded: the account's failures are forgotten and this attempt is taken off the address's count. */
  succeeded(): Promise<void>;
}

/** Every password attempt is refused for now; `retryAfterSeconds` says for how long. */
export class SignInLocked extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('sign-in locked');
    this.name = 'SignInLocked';
  }
}

/**
 * The budget of password attempts, shared by the password grant and every re-authentication (a wrong current password
 * is a failed sign-in). Counted twice, atomically, before the password is checked ({@link Throttle.claim}):
 * - per account: the CPF and the e-mail of one account share one counter, whatever address they come from (an
 *   unknown login has a counter of its own, keyed by what was typed); a success clears it;
 * - per client address, across every account it tries (password spraying); a success takes back only its own attempt,
 *   so one good password of the attacker's own does not clear the address's failures.
 * Keys hold no personal data: ids, and hashes of the login text.
 */
export class SignInThrottle {
  private readonly perAccount: Throttle;
  private readonly perAddress: Throttle;

  constructor(
    policy: SignInThrottlePolicy,
    throttles: ThrottlesRepository,
    private readonly clock: Clock,
  ) {
    this.perAccount = new Throttle(policy.perAccount, throttles);
    this.perAddress = new Throttle(policy.perAddress, throttles);
  }

  /**
   * Counts an attempt on `subject` from `address`; throws {@link SignInLocked} when either is locked. Counted outside
   * any transaction: a failed attempt stays counted whatever the request does next.
   */
  async begin(subject: SignInSubject, address: string): Promise<SignInAttempt> {
    const now = this.clock.now();
    const addressKey = `login:address:${address}`;
    const accountKey =
      'userId' in subject
        ? `login:account:${subject.userId}`
        : `login:unknown:${digest(subject.unknownLogin.trim().toLowerCase())}`;
    const byAddress = await this.perAddress.claim(addressKey, now);
    if (!byAddress.allowed) throw new SignInLocked(byAddress.retryAfterSeconds);
    const byAccount = await this.perAccount.claim(accountKey, now);
    if (!byAccount.allowed) throw new SignInLocked(byAccount.retryAfterSeconds);
    return {
      lockSeconds: Math.max(byAddress.lockSeconds, byAccount.lockSeconds),
      succeeded: async () => {
        await this.perAccount.reset(accountKey);
        await this.perAddress.refund(addressKey);
      },
    };
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
