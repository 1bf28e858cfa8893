import type { EntityManager } from '../db/orm';

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
 * Failure counters kept in the database, so a lock holds across every app instance. Each operation is one atomic
 * statement: concurrent failures are all counted.
 *
 * Two ways to use it. `secondsLocked` + `fail` count a failure after the attempt was evaluated: simple, but a burst
 * of concurrent attempts is evaluated before any of its failures is counted. `claim` counts the attempt before it is
 * evaluated (and `reset` or `refund` takes it back when it succeeds): of any burst, at most `maxFailures` attempts
 * get past it per lock period, which is what guessing secrets (passwords) needs.
 */
export class Throttle {
  constructor(private readonly policy: ThrottlePolicy) {}

  /** Seconds until `key` may try again, or 0 when it is not locked. */
  async secondsLocked(em: EntityManager, key: string): Promise<number> {
    const rows = await em.execute<{ seconds: number | string | null }[]>(
      `select ceil(extract(epoch from (locked_until - now())))::int as seconds
         from throttles where key = ? and locked_until > now()`,
      [key],
    );
    return rows.length > 0 ? Number(rows[0].seconds ?? 0) : 0;
  }

  /** Counts one failure; returns the lock in seconds it caused (0 while under the limit). */
  async fail(em: EntityManager, key: string): Promise<number> {
    const { maxFailures, lockSeconds, lockMaxSeconds } = this.policy;
    const rows = await em.execute<{ failures: number }[]>(
      `insert into throttles (key, failures, locked_until, updated_at) values (?, 1, null, now())
       on conflict (key) do update
         set failures = case when throttles.updated_at < now() - make_interval(secs => ?) then 1 else throttles.failures + 1 end,
             updated_at = now()
       returning failures`,
      [key, this.policy.windowSeconds ?? DAY_SECONDS],
    );
    const failures = Number(rows[0].failures);
    if (failures < maxFailures) return 0;
    const seconds = Math.min(lockMaxSeconds, lockSeconds * 2 ** Math.min(failures - maxFailures, 20));
    await em.execute(`update throttles set locked_until = now() + make_interval(secs => ?) where key = ?`, [seconds, key]);
    return seconds;
  }

  /**
   * Counts an attempt before it is evaluated, in one statement: refused while `key` is locked; otherwise counted, and
   * the attempt that reaches the limit locks the key at once (progressively longer, as `fail` does), so concurrent
   * attempts behind it are refused even before it is evaluated. A success must `reset` (or `refund`) its claim.
   * `now` is the app's clock.
   */
  async claim(em: EntityManager, key: string, now: Date): Promise<ThrottleClaim> {
    const { maxFailures, lockSeconds, lockMaxSeconds } = this.policy;
    const window = this.policy.windowSeconds ?? DAY_SECONDS;
    const at = now.toISOString();
    // The count after this attempt, from the row as it stands (PostgreSQL re-reads it under the row lock when
    // concurrent claims conflict, so each one sees the previous one's count).
    const count = `case when t.updated_at <= cast(? as timestamptz) - make_interval(secs => ?) then 1 else t.failures + 1 end`;
    const lockFor = (n: string) =>
      `case when ${n} >= ? then cast(? as timestamptz) + make_interval(secs => least(?, ? * power(2, least(${n} - ?, 20)))) end`;
    const rows = await em.execute<{ failures: number; locked_until: Date | string | null }[]>(
      `insert into throttles as t (key, failures, locked_until, updated_at)
       values (?, 1, ${lockFor('1')}, cast(? as timestamptz))
       on conflict (key) do update
         set failures = ${count}, locked_until = ${lockFor(count)}, updated_at = cast(? as timestamptz)
       where t.locked_until is null or t.locked_until <= cast(? as timestamptz)
       returning failures, locked_until`,
      [
        key,
        ...[maxFailures, at, lockMaxSeconds, lockSeconds, maxFailures],
        at,
        ...[at, window],
        ...[at, window, maxFailures, at, lockMaxSeconds, lockSeconds, at, window, maxFailures],
        at,
        at,
      ],
    );
    const row = rows[0];
    if (row) return { allowed: true, lockSeconds: secondsUntil(row.locked_until, now) };
    const locked = await em.execute<{ locked_until: Date | string | null }[]>(
      'select locked_until from throttles where key = ?',
      [key],
    );
    return { allowed: false, retryAfterSeconds: Math.max(1, secondsUntil(locked[0]?.locked_until ?? null, now)) };
  }

  /**
   * Takes back one claimed attempt that succeeded, without forgetting the others (a shared key, such as an address, is
   * not cleared by one success); lifts the lock when the count falls below the limit again.
   */
  async refund(em: EntityManager, key: string): Promise<void> {
    await em.execute(
      `update throttles set failures = greatest(failures - 1, 0),
         locked_until = case when failures - 1 >= ? then locked_until end
       where key = ?`,
      [this.policy.maxFailures, key],
    );
  }

  /** Forgets the failures of `key` (after a success). */
  async reset(em: EntityManager, key: string): Promise<void> {
    await em.execute('delete from throttles where key = ?', [key]);
  }
}

function secondsUntil(instant: Date | string | null, now: Date): number {
  if (instant === null) return 0;
  return Math.max(0, Math.ceil((new Date(instant).getTime() - now.getTime()) / 1000));
}
