import { Repository, type Tx } from '../db/repository';
import { newId } from '../shared/ids';

/** An account's two-factor row: secrets sealed (src/accounts/mfa-crypto.ts), never in the clear. */
export interface MfaState {
  /** The active secret, once enabled. */
  totpSecret: Buffer | null;
  /** The secret of an enrolment not yet activated. */
  pendingSecret: Buffer | null;
  enabledAt: Date | null;
}

/**
 * Two-factor data (`user_mfa`, one row per account that ever started enrolment; `mfa_recovery_codes`, stored as
 * keyed hashes). Spending a code is one conditional statement, so of two concurrent uses exactly one wins.
 */
export class MfaRepository extends Repository {
  /** The account's two-factor row, or null when it never started enrolment. */
  async stateOf(userId: string, tx?: Tx): Promise<MfaState | null> {
    const row = await this.row<{
      totp_secret: Uint8Array | null;
      pending_secret: Uint8Array | null;
      enabled_at: Date | string | null;
    }>('select totp_secret, pending_secret, enabled_at from user_mfa where user_id = ?', [userId], tx);
    if (!row) return null;
    return {
      totpSecret: row.totp_secret ? Buffer.from(row.totp_secret) : null,
      pendingSecret: row.pending_secret ? Buffer.from(row.pending_secret) : null,
      enabledAt: row.enabled_at === null ? null : new Date(row.enabled_at),
    };
  }

  /** Keeps `sealedSecret` as the pending secret of a new enrolment (replacing an earlier pending one). */
  async startEnrolment(userId: string, sealedSecret: Buffer): Promise<void> {
    await this.run(
      `insert into user_mfa (user_id, pending_secret, pending_started_at) values (?, ?, now())
       on conflict (user_id) do update set pending_secret = excluded.pending_secret, pending_started_at = now(),
         updated_at = now()`,
      [userId, sealedSecret],
    );
  }

  /**
   * Turns the pending secret into the active one, with `step` as the last accepted time step. Conditional on the
   * very pending secret that was checked: false when a concurrent restart of enrolment replaced it.
   */
  async activate(tx: Tx, userId: string, pendingSecret: Buffer, step: number): Promise<boolean> {
    const changed = await this.run(
      `update user_mfa set totp_secret = pending_secret, pending_secret = null, pending_started_at = null,
         enabled_at = now(), last_step = ?, updated_at = now()
       where user_id = ? and enabled_at is null and pending_secret = ?`,
      [step, userId, pendingSecret],
      tx,
    );
    return changed === 1;
  }

  /** Replaces the account's recovery codes with these hashes. */
  async replaceRecoveryCodes(tx: Tx, userId: string, codeHashes: string[]): Promise<void> {
    await this.run('delete from mfa_recovery_codes where user_id = ?', [userId], tx);
    for (const codeHash of codeHashes) {
      await this.run('insert into mfa_recovery_codes (id, user_id, code_hash) values (?, ?, ?)', [newId(), userId, codeHash], tx);
    }
  }

  /** Accepts time step `step` if it is newer than the last accepted one (so no code works twice); false otherwise. */
  async acceptStep(userId: string, step: number, tx?: Tx): Promise<boolean> {
    const changed = await this.run(
      `update user_mfa set last_step = ?, updated_at = now()
        where user_id = ? and enabled_at is not null and last_step < ?`,
      [step, userId, step],
      tx,
    );
    return changed === 1;
  }

  /** Spends the unused recovery code with this hash; false when there is none. */
  async spendRecoveryCode(userId: string, codeHash: string, tx?: Tx): Promise<boolean> {
    const changed = await this.run(
      'update mfa_recovery_codes set used_at = now() where user_id = ? and code_hash = ? and used_at is null',
      [userId, codeHash],
      tx,
    );
    return changed === 1;
  }

  /** How many recovery codes of the account are still unused. */
  async unusedRecoveryCodes(userId: string): Promise<number> {
    const row = await this.row<{ unused: number | string }>(
      'select count(*) as unused from mfa_recovery_codes where user_id = ? and used_at is null',
      [userId],
    );
    return Number(row?.unused ?? 0);
  }

  /** Deletes the account's two-factor data: secrets and recovery codes. */
  async deleteAllOf(tx: Tx, userId: string): Promise<void> {
    await this.run('delete from mfa_recovery_codes where user_id = ?', [userId], tx);
    await this.run('delete from user_mfa where user_id = ?', [userId], tx);
  }
}
