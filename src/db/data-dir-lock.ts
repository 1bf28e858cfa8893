import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An exclusive lock on the embedded database directory.
 *
 * PGlite happily opens one directory from two processes and then silently loses acknowledged rows and corrupts indexes,
 * so the app takes this lock before opening it. The lock file holds the owner's pid, the machine's boot id and the
 * process start time: a lock left by a process that is gone (crash, kill -9, reboot) is stale and taken over.
 */
export class DataDirLock {
  private constructor(private readonly path: string) {}

  /** Takes the lock or throws {@link DataDirLockedError} naming the process that holds it. */
  static acquire(dir: string): DataDirLock {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, '.lock');
    const me = describeProcess(process.pid);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx');
        writeSync(fd, JSON.stringify(me));
        closeSync(fd);
        return new DataDirLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = readHolder(path);
        if (holder && isAlive(holder)) throw new DataDirLockedError(dir, holder.pid);
        rmSync(path, { force: true });
      }
    }
    throw new DataDirLockedError(dir, undefined);
  }

  /**
   * Throws {@link DataDirLockedError} when a live process holds the lock, without taking it: for a quick refusal
   * before slow work (`npm start` checks this before it builds). The open itself still takes the lock.
   */
  static ensureFree(dir: string): void {
    const holder = readHolder(join(dir, '.lock'));
    if (holder && isAlive(holder)) throw new DataDirLockedError(dir, holder.pid);
  }

  release(): void {
    rmSync(this.path, { force: true });
  }
}

export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number | undefined) {
    super(
      `The embedded database in ${dir} is already in use${pid ? ` by process ${pid}` : ''}. ` +
        'Stop that process first, or run this one with another DATA_DIR (or DATABASE_URL for PostgreSQL).',
    );
    this.name = 'DataDirLockedError';
  }
}

interface Holder {
  pid: number;
  bootId: string | null;
  startTime: string | null;
}

function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}

/** Field 22 of /proc/<pid>/stat: the start time in clock ticks since boot; distinguishes a reused pid. */
function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function describeProcess(pid: number): Holder {
  return { pid, bootId: bootId(), startTime: startTime(pid) };
}

function readHolder(path: string): Holder | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Holder;
    return typeof parsed.pid === 'number' ? parsed : null;
  } catch {
    return null;
  }
}

function isAlive(holder: Holder): boolean {
  if (holder.bootId && holder.bootId !== bootId()) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const current = startTime(holder.pid);
  return !(holder.startTime && current && current !== holder.startTime);
}
