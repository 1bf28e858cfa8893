import { Repository, type Tx } from '../db/repository';

/** The counting rules a claim applies in its one statement (see {@link ThrottlesRepository.claim}). */
export interface ClaimRules {
  maxFailures: number;
  lockSeconds: number;
  lockMaxSeconds: number;
  windowSeconds: number;
}

/** A key's row after a claim was counted. */
export interface ClaimedRow {
  failures: number;
  lockedUntil: Date | null;
}

/**
 * Failure counters (`throttles`), one row per key, kept in the database so a lock holds across every app instance.
 * Each change is one atomic statement: concurrent failures are all counted.
 */
export class ThrottlesRepository extends Repository {
  /** Seconds until `key` unlocks (by the database's clock), or 0 when it is not locked. */
  async secondsLocked(key: string, tx?: Tx): Promise<number> {
    const row = await this.row<{ seconds: number | string | null }>(
      `select ceil(extract(epoch from (locked_until - now())))::int as seconds
         from throttles where key = ? and locked_until > now()`,
      [key],
      tx,
    );
    return row ? Number(row.seconds ?? 0) : 0;
  }

  /** The keys starting with `prefix` that are locked now (by the database's clock). */
  async lockedKeys(prefix: string, tx?: Tx): Promise<string[]> {
    const rows = await this.rows<{ key: string }>(
      'select key from throttles where starts_with(key, ?) and locked_until > now()',
      [prefix],
      tx,
    );
    return rows.map((row) => row.key);
  }

  /** Counts one failure of `key` (the count starts again after `windowSeconds` without one); returns the count. */
  async countFailure(key: string, windowSeconds: number, tx?: Tx): Promise<number> {
    const row = await this.row<{ failures: number }>(
      `insert into throttles (key, failures, locked_until, updated_at) values (?, 1, null, now())
       on conflict (key) do update
         set failures = case when throttles.updated_at < now() - make_interval(secs => ?) then 1 else throttles.failures + 1 end,
             updated_at = now()
       returning failures`,
      [key, windowSeconds],
      tx,
    );
    return Number(row!.failures);
  }

  /** Locks `key` for `seconds` from now. */
  async lockFor(key: string, seconds: number, tx?: Tx): Promise<void> {
    await this.run(`update throttles set locked_until = now() + make_interval(secs => ?) where key = ?`, [seconds, key], tx);
  }

  /**
   * Counts an attempt on `key` at `now` (the app's clock) unless the key is locked, in one statement: the count starts
   * again after `windowSeconds` without an attempt, and the attempt that reaches `maxFailures` locks the key at once,
   * for `lockSeconds` doubled per attempt over the limit, capped at `lockMaxSeconds`. Null when the key is locked (nothing
   * counted). PostgreSQL re-reads the row under its lock when concurrent claims conflict, so each one sees the
   * previous one's count.
   */
  async claim(key: string, rules: ClaimRules, now: Date, tx?: Tx): Promise<ClaimedRow | null> {
    const { maxFailures, lockSeconds, lockMaxSeconds, windowSeconds } = rules;
    const at = now.toISOString();
    const count = `case when t.updated_at <= cast(? as timestamptz) - make_interval(secs => ?) then 1 else t.failures + 1 end`;
    const lockFor = (n: string) =>
      `case when ${n} >= ? then cast(? as timestamptz) + make_interval(secs => least(?, ? * power(2, least(${n} - ?, 20)))) end`;
    const row = await this.row<{ failures: number; locked_until: Date | string | null }>(
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
        ...[at, windowSeconds],
        ...[at, windowSeconds, maxFailures, at, lockMaxSeconds, lockSeconds, at, windowSeconds, maxFailures],
        at,
        at,
      ],
      tx,
    );
    return row ? { failures: Number(row.failures), lockedUntil: dateOrNull(row.locked_until) } : null;
  }

  /** Until when `key` is locked (null when it is not, or has no row). */
  async lockedUntil(key: string, tx?: Tx): Promise<Date | null> {
    const row = await this.row<{ locked_until: Date | string | null }>(
      'select locked_until from throttles where key = ?',
      [key],
      tx,
    );
    return dateOrNull(row?.locked_until ?? null);
  }

  /** Takes one attempt off `key`'s count; lifts its lock when the count falls below `maxFailures`. */
  async refund(key: string, maxFailures: number, tx?: Tx): Promise<void> {
    await this.run(
      `update throttles set failures = greatest(failures - 1, 0),
         locked_until = case when failures - 1 >= ? then locked_until end
       where key = ?`,
      [maxFailures, key],
      tx,
    );
  }

  /** Forgets `key` (its failures and its lock). */
  async remove(key: string, tx?: Tx): Promise<void> {
    await this.run('delete from throttles where key = ?', [key], tx);
  }
}

function dateOrNull(value: Date | string | null): Date | null {
  return value === null ? null : new Date(value);
}
