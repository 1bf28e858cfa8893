/**
 * The app's one notion of "now", for everything that expires or is scheduled: token lifetimes, maximum lifetimes,
 * expiry dates. Injected (BuildOptions.clock) so a test moves time forward by setting a {@link TestClock} instead of
 * waiting, and passed into SQL as a parameter (`expires_at > ?`) rather than compared with the database's `now()`, so
 * the database and the code agree on what time it is.
 *
 * Code written before this module still reads `new Date()` or `now()` in places; move it here when you touch it.
 */
export interface Clock {
  now(): Date;
}

/** The real time. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock a test sets and moves; it never advances on its own. */
export class TestClock implements Clock {
  private current: number;

  constructor(start: Date = new Date()) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(date: Date): void {
    this.current = date.getTime();
  }

  /** Moves the clock forward (or back, with a negative amount) by `ms` milliseconds. */
  advance(ms: number): void {
    this.current += ms;
  }
}

/** Whole seconds since the epoch, as JWT `iat`/`exp` claims count time. */
export function epochSeconds(clock: Clock): number {
  return Math.floor(clock.now().getTime() / 1000);
}
