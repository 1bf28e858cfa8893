import { Repository } from '../db/repository';

/** A bucket's count in the current window, and the seconds until that window ends. */
export interface WindowCount {
  count: number;
  secondsLeft: number;
}

/**
 * Fixed-window hit counters (`rate_limit_windows`), one row per bucket and window. Windows are aligned on the database
 * clock, so instances with skewed clocks still share the same window. Every statement runs on its own, outside any
 * transaction: a limit is counted whatever happens to the request.
 */
export class RateLimitWindowsRepository extends Repository {
  /** Counts one hit of `bucket` in the current window of `windowSeconds`, in one atomic upsert (no lock held). */
  async hit(bucket: string, windowSeconds: number): Promise<WindowCount> {
    const row = await this.row<{ count: number | string; retry: number | string }>(
      `insert into rate_limit_windows (key, window_start, count)
       values (?, to_timestamp(floor(extract(epoch from now()) / ?::int) * ?::int), 1)
       on conflict (key, window_start) do update set count = rate_limit_windows.count + 1
       returning count, ceil(extract(epoch from (window_start + make_interval(secs => ?::int) - clock_timestamp())))::int as retry`,
      [bucket, windowSeconds, windowSeconds, windowSeconds],
    );
    return { count: Number(row!.count), secondsLeft: Number(row!.retry) };
  }

  /** Deletes the windows of buckets starting with `prefix` that ended over `windowSeconds` ago; returns how many went. */
  async deleteEnded(prefix: string, windowSeconds: number): Promise<number> {
    const row = await this.row<{ n: number }>(
      `with gone as (
         delete from rate_limit_windows
          where window_start < now() - make_interval(secs => ?::int) and starts_with(key, ?)
          returning 1)
       select count(*)::int as n from gone`,
      [windowSeconds, prefix],
    );
    return Number(row!.n);
  }
}
