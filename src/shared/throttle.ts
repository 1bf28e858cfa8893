import type { EntityManager } from '../db/orm';

/** Progressive lockout policy: after `maxFailures`, lock for `lockSeconds`, doubling per further failure, capped. */
export interface ThrottlePolicy {
  maxFailures: number;
  lockSeconds: number;
  lockMaxSeconds: number;
}

/**
 * Failure counters kept in the database, so a lock holds across every app instance. Each operation is one atomic
 * statement: concurrent failures are all counted.
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
         set failures = case when throttles.updated_at < now() - interval '1 day' then 1 else throttles.failures + 1 end,
             updated_at = now()
       returning failures`,
      [key],
    );
    const failures = Number(rows[0].failures);
    if (failures < maxFailures) return 0;
    const seconds = Math.min(lockMaxSeconds, lockSeconds * 2 ** Math.min(failures - maxFailures, 20));
    await em.execute(`update throttles set locked_until = now() + make_interval(secs => ?) where key = ?`, [seconds, key]);
    return seconds;
  }

  /** Forgets the failures of `key` (after a success). */
  async reset(em: EntityManager, key: string): Promise<void> {
    await em.execute('delete from throttles where key = ?', [key]);
  }
}
