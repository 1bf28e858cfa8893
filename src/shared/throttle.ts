import type { Tx } from '../db/repository';
import type { ThrottlesRepository } from './throttles.repository';

/** Progressive lockout policy: after `maxFailures`, lock for `lockSeconds`, doubling per further failure, capped. */
export interface ThrottlePolicy {
  maxFailures: number;
  lockSeconds: number;
  lockMaxSeconds: number;
  /** Failures older than this (no new one since) are forgotten; default one day. */
  windowSeconds?: number;
}

/** The outcome of {@link Throttle.claim}. */
export type ThrottleClaim =
  /** The attempt may be evaluated; `lockSeconds` > 0 when it was the last one allowed (the key is now locked). */
  { allowed: true; lockSeconds: number } | { allowed: false; retryAfterSeconds: number };

const DAY_SECONDS = 86_400;

/**
 * A progressive lockout on failure counters kept in the database ({@link ThrottlesRepository}), so a lock holds across
 * every app instance.
 *
 * Two ways to use it. `secondsLocked` + `fail` count a failure after the attempt was evaluated: simple, but a burst
 * of concurrent attempts is evaluated before any of its failures is counted. `claim` counts the attempt before it is
 * evaluated (and `reset` or `refund` takes it back when it succeeds): of any burst, at most `maxFailures` attempts
 * get past it per lock period, which is what guessing secrets (passwords) needs.
 *
 * Every method runs in `tx` when given, otherwise on its own.
 */
export class Throttle {
  constructor(
    private readonly policy: ThrottlePolicy,
    private readonly throttles: ThrottlesRepository,
  ) {}

  /** Seconds until `key` may try again, or 0 when it is not locked. */
  secondsLocked(key: string, tx?: Tx): Promise<number> {
    return this.throttles.secondsLocked(key, tx);
  }

  /** Counts one failure; returns the lock in seconds it caused (0 while under the limit). */
  async fail(key: string, tx?: Tx): Promise<number> {
    const { maxFailures, lockSeconds, lockMaxSeconds } = this.policy;
    const failures = await this.throttles.countFailure(key, this.policy.windowSeconds ?? DAY_SECONDS, tx);
    if (failures < maxFailures) return 0;
    const seconds = Math.min(lockMaxSeconds, lockSeconds * 2 ** Math.min(failures - maxFailures, 20));
    await this.throttles.lockFor(key, seconds, tx);
    return seconds;
  }

  /**
   * Counts an attempt before it is evaluated, in one statement: refused while `key` is locked; otherwise counted, and
   * the attempt that reaches the limit locks the key at once (progressively longer, as `fail` does), so concurrent
   * attempts behind it are refused even before it is evaluated. A success must `reset` (or `refund`) its claim.
   * `now` is the app's clock.
   */
  async claim(key: string, now: Date, tx?: Tx): Promise<ThrottleClaim> {
    const claimed = await this.throttles.claim(
      key,
      { ...this.policy, windowSeconds: this.policy.windowSeconds ?? DAY_SECONDS },
      now,
      tx,
    );
    if (claimed) return { allowed: true, lockSeconds: secondsUntil(claimed.lockedUntil, now) };
    const lockedUntil = await this.throttles.lockedUntil(key, tx);
    return { allowed: false, retryAfterSeconds: Math.max(1, secondsUntil(lockedUntil, now)) };
  }

  /**
   * Takes back one claimed attempt that succeeded, without forgetting the others (a shared key, such as an address, is
   * not cleared by one success); lifts the lock when the count falls below the limit again.
   */
  refund(key: string, tx?: Tx): Promise<void> {
    return this.throttles.refund(key, this.policy.maxFailures, tx);
  }

  /** Forgets the failures of `key` (after a success). */
  reset(key: string, tx?: Tx): Promise<void> {
    return this.throttles.remove(key, tx);
  }
}

function secondsUntil(instant: Date | null, now: Date): number {
  if (instant === null) return 0;
  return Math.max(0, Math.ceil((instant.getTime() - now.getTime()) / 1000));
}
