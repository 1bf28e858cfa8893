import { createHash } from 'node:crypto';
import { DomainError } from './errors';
import type { RateLimitWindowsRepository } from './rate-limit-windows.repository';

/** At most `limit` hits per key in each fixed window of `windowSeconds`. */
export interface RateLimitPolicy {
  limit: number;
  windowSeconds: number;
}

/** Longest key the `rate_limit_windows.key` column holds; longer keys are hashed to fit. */
const MAX_KEY_LENGTH = 300;

/**
 * Fixed-window hit counters kept in the database ({@link RateLimitWindowsRepository}), so a limit holds across every
 * app instance. Each hit is one atomic upsert that returns the window's count: concurrent hits are all counted, with no
 * lock held. Windows are aligned on the database clock, so instances with skewed clocks still share the same window.
 *
 * A fixed window lets a client burst up to twice the limit around a window boundary; for abuse protection of public
 * routes that is an acceptable price for one statement per hit.
 */
export class RateLimiter {
  /** When this instance next deletes ended windows (epoch ms); purging is opportunistic, at most once per window. */
  private nextPurgeAt = 0;

  /** `name` prefixes every key, so limiters sharing the table never share a bucket. */
  constructor(
    private readonly name: string,
    private readonly policy: RateLimitPolicy,
    private readonly windows: RateLimitWindowsRepository,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Counts one hit for `key`. Returns 0 while within the limit, else the seconds until the window ends (at least 1). */
  async hit(key: string): Promise<number> {
    await this.purgeIfDue();
    const { count, secondsLeft } = await this.windows.hit(this.bucket(key), this.policy.windowSeconds);
    if (count <= this.policy.limit) return 0;
    return Math.max(1, secondsLeft);
  }

  /** Counts one hit and throws `rate-limited` (with the seconds to wait) once `key` is over the limit. */
  async consume(key: string, detail?: (retryAfterSeconds: number) => string): Promise<void> {
    const retryAfterSeconds = await this.hit(key);
    if (retryAfterSeconds > 0) {
      throw new DomainError('rate-limited', detail?.(retryAfterSeconds), { retryAfterSeconds });
    }
  }

  /** Deletes this limiter's windows that have ended; returns how many went. */
  purgeExpired(): Promise<number> {
    return this.windows.deleteEnded(`${this.name}:`, this.policy.windowSeconds);
  }

  private async purgeIfDue(): Promise<void> {
    const now = this.clock();
    if (now < this.nextPurgeAt) return;
    this.nextPurgeAt = now + this.policy.windowSeconds * 1000;
    await this.purgeExpired();
  }

  private bucket(key: string): string {
    const full = `${this.name}:${key}`;
    if (full.length <= MAX_KEY_LENGTH) return full;
    return `${this.name}:sha256:${createHash('sha256').update(key).digest('hex')}`;
  }
}
