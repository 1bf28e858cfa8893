import { Repository, type Tx } from '../db/repository';
import { newId } from '../shared/ids';

/** A password-reset code found unused and unexpired (and locked for the caller's transaction). */
export interface ResetCode {
  id: string;
  userId: string;
}

/** An e-mail change undone: whose account, and the address it had before. */
export interface UndoneEmailChange {
  userId: string;
  previousEmail: string;
}

/**
 * The single-use codes mailed to a citizen about the account (`password_reset_tokens`, `email_change_undo_tokens`).
 * Only hashes are stored; the code itself exists in the e-mail alone.
 */
export class AccountCodesRepository extends Repository {
  /** Stores a new reset code valid for `ttlMinutes`, and spends every earlier one of the account: only the newest works. */
  async replaceResetCode(tx: Tx, userId: string, codeHash: string, ttlMinutes: number): Promise<void> {
    await this.cancelResetCodes(tx, userId);
    await this.run(
      `insert into password_reset_tokens (id, user_id, token_hash, expires_at)
       values (?, ?, ?, now() + make_interval(mins => ?))`,
      [newId(), userId, codeHash, ttlMinutes],
      tx,
    );
  }

  /** The unused, unexpired reset code with this hash, locked until `tx` ends (two resets cannot both spend it). */
  async lockResetCode(tx: Tx, codeHash: string): Promise<ResetCode | null> {
    const row = await this.row<{ id: string; user_id: string }>(
      `select id, user_id from password_reset_tokens
        where token_hash = ? and used_at is null and expires_at > now() for update`,
      [codeHash],
      tx,
    );
    return row ? { id: row.id, userId: row.user_id } : null;
  }

  /** Marks a reset code used. */
  async spendResetCode(tx: Tx, id: string): Promise<void> {
    await this.run('update password_reset_tokens set used_at = now() where id = ?', [id], tx);
  }

  /** Spends every unused reset code of the account (its pending links stop working). */
  async cancelResetCodes(tx: Tx, userId: string): Promise<void> {
    await this.run('update password_reset_tokens set used_at = now() where user_id = ? and used_at is null', [userId], tx);
  }

  /** Stores the code that undoes an e-mail change, valid until `expiresAt`. */
  async insertUndoCode(tx: Tx, userId: string, codeHash: string, previousEmail: string, expiresAt: Date): Promise<void> {
    await this.run(
      `insert into email_change_undo_tokens (id, user_id, token_hash, previous_email, expires_at) values (?, ?, ?, ?, ?)`,
      [newId(), userId, codeHash, previousEmail, expiresAt],
      tx,
    );
  }

  /**
   * Spends the undo code with this hash at `now` if it is unused and unexpired, in one conditional statement (of two
   * concurrent uses, one wins); null otherwise.
   */
  async spendUndoCode(tx: Tx, codeHash: string, now: Date): Promise<UndoneEmailChange | null> {
    const row = await this.row<{ user_id: string; previous_email: string }>(
      `update email_change_undo_tokens set used_at = ?
        where token_hash = ? and used_at is null and expires_at > ?
        returning user_id, previous_email`,
      [now, codeHash, now],
      tx,
    );
    return row ? { userId: row.user_id, previousEmail: row.previous_email } : null;
  }

  /** LGPD erasure: every code of the account goes. */
  async deleteAllOf(tx: Tx, userId: string): Promise<void> {
    await this.run('delete from password_reset_tokens where user_id = ?', [userId], tx);
    await this.run('delete from email_change_undo_tokens where user_id = ?', [userId], tx);
  }
}
