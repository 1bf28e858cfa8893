import { Repository, type Tx } from '../db/repository';

/** One-time codes (`link_codes`, stored hashed) that link a channel account to the citizen who made them in the app. */
export class LinkCodesRepository extends Repository {
  /** Makes every unused code of the citizen unusable. */
  async retireUnused(tx: Tx, userId: string): Promise<void> {
    await this.run('update link_codes set used_at = now() where user_id = ? and used_at is null', [userId], tx);
  }

  /** Stores a new code (its hash) valid for `ttlMinutes` from now; returns when it expires. */
  async insert(tx: Tx, codeHash: string, userId: string, ttlMinutes: number): Promise<Date> {
    const row = await this.row<{ expires_at: Date | string }>(
      `insert into link_codes (code_hash, user_id, expires_at) values (?, ?, now() + make_interval(mins => ?)) returning expires_at`,
      [codeHash, userId, ttlMinutes],
      tx,
    );
    return new Date(row!.expires_at);
  }

  /** Spends the code with this hash if it is unused and unexpired; returns its citizen, or null. */
  async spend(tx: Tx, codeHash: string): Promise<string | null> {
    const row = await this.row<{ user_id: string }>(
      `update link_codes set used_at = now()
        where code_hash = ? and used_at is null and expires_at > now()
        returning user_id`,
      [codeHash],
      tx,
    );
    return row?.user_id ?? null;
  }

  /** LGPD erasure: the citizen's codes. */
  async deleteAllOf(tx: Tx, userId: string): Promise<void> {
    await this.run('delete from link_codes where user_id = ?', [userId], tx);
  }
}
