import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';
// PostgreSQL refuses to run as root; when the tests run as root the cluster belongs to this user instead.
const CLUSTER_USER = 'postgres';

/** A free TCP port on 127.0.0.1 (the kernel picks it; released before PostgreSQL binds it). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not pick a free port');
  return address.port;
}

async function userIds(user: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * A PostgreSQL cluster of its own in a temporary directory, on another port of 127.0.0.1, for tests that stop the
 * database: the machine's shared server on 5432 is never touched. Always call `destroy()` (it stops and deletes).
 */
export class PrivatePostgres {
  private constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly asRoot: boolean,
  ) {}

  /** `postgres://postgres@127.0.0.1:<port>/postgres`: trust authentication, the cluster's default database. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** initdb into a new temporary directory and start the server; removes the directory again if anything fails. */
  static async create(): Promise<PrivatePostgres> {
    const asRoot = process.getuid?.() === 0;
    const dir = mkdtempSync(join(tmpdir(), 'cdc-private-pg-'));
    if (asRoot) {
      const { uid, gid } = await userIds(CLUSTER_USER);
      chownSync(dir, uid, gid);
    }
    const cluster = new PrivatePostgres(dir, await freePort(), asRoot);
    try {
      await cluster.exec('initdb', ['-D', dir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
      await cluster.start();
      return cluster;
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
  }

  private exec(program: string, args: string[]) {
    const binary = join(BIN, program);
    return this.asRoot
      ? run('runuser', ['-u', CLUSTER_USER, '--', binary, ...args], { timeout: 60_000 })
      : run(binary, args, { timeout: 60_000 });
  }

  /** Starts the server and waits until it accepts connections (after crash recovery, if it was killed). */
  async start(): Promise<void> {
    // The socket directory is the data directory: nothing shared in /tmp, and deleted with it.
    const serverOptions = `-p ${this.port} -k ${this.dataDir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await this.exec('pg_ctl', ['-D', this.dataDir, '-l', join(this.dataDir, 'server.log'), '-o', serverOptions, '-w', 'start']);
  }

  /** Stops the server; `immediate` is an abrupt stop (no checkpoint, clients cut off), like a crash. */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.exec('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', 'stop']);
  }

  /** Stops the server if it runs and deletes its directory. Never throws: it runs in cleanup paths. */
  async destroy(): Promise<void> {
    await this.exec('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
