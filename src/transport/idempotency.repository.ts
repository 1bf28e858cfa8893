import { prepared } from '../db/prepared';
import { Repository, type Tx } from '../db/repository';
import { newId } from '../shared/ids';

/** Which operation of which citizen a key belongs to. */
export interface KeyScope {
  userId: string;
  /** Operation name (`card.recharge`...), stored in the `route` column (named when keys were scoped to HTTP routes). */
  operation: string;
  key: string;
}

/** A stored key as the claim finds it. */
export interface StoredKey {
  id: string;
  fingerprint: string;
  state: 'in_flight' | 'completed';
  /** The stored outcome (JSON) of a completed key. */
  outcome: unknown;
  /** True when an in-flight claim's `locked_until` has passed (its process died). */
  expired: boolean;
}

/** An in-flight claim: the row and the token that proves which request owns it. */
export interface Claim {
  id: string;
  token: string;
}

/** The claim every idempotent operation that goes through `IdempotencyService.run` starts with, outside its transaction. */
const CLAIM = prepared(
  'idempotency_claim',
  `insert into idempotency_keys (id, user_id, route, key, fingerprint, state, claim_token, locked_until)
   values (?, ?, ?, ?, ?, 'in_flight', ?, now() + make_interval(secs => ?))
   on conflict (user_id, route, key) do nothing
   returning id`,
);

/** The SQL of a stored key's columns as `StoredKey` reads them (also used by the money path's single statement). */
export const STORED_KEY_COLUMNS = `id, fingerprint, state, outcome, locked_until < now() as expired`;

/** Maps a row of `STORED_KEY_COLUMNS`; the outcome stays JSON (text on some drivers) for the service to read. */
export function toStoredKey(row: Record<string, unknown>): StoredKey {
  return {
    id: String(row.id),
    fingerprint: String(row.fingerprint),
    state: row.state as StoredKey['state'],
    outcome: row.outcome,
    expired: row.expired === true,
  };
}

/**
 * The idempotency keys (`idempotency_keys`): one row per (citizen, operation, key) with the request's fingerprint, the
 * in-flight claim and, once completed, the stored outcome. The money path's single statement that claims a key and
 * moves the balance lives in `CardsRepository` (it spans both tables).
 */
export class IdempotencyRepository extends Repository {
  /** Claims `scope` for a new request (in flight until `timeoutSeconds`); null when the key already exists. */
  async claim(scope: KeyScope, fingerprint: string, timeoutSeconds: number): Promise<Claim | null> {
    const token = newId();
    const inserted = await this.prepared<{ id: string }>(CLAIM, [
      newId(),
      scope.userId,
      scope.operation,
      scope.key,
      fingerprint,
      token,
      timeoutSeconds,
    ]);
    return inserted[0] ? { id: String(inserted[0].id), token } : null;
  }

  /** The stored key of `scope`, or null. */
  async find(scope: KeyScope): Promise<StoredKey | null> {
    const row = await this.row(`select ${STORED_KEY_COLUMNS} from idempotency_keys where user_id = ? and route = ? and key = ?`, [
      scope.userId,
      scope.operation,
      scope.key,
    ]);
    return row ? toStoredKey(row) : null;
  }

  /** Takes over an in-flight claim whose time ran out; null when another request took it (or it completed) first. */
  async takeOver(id: string, timeoutSeconds: number): Promise<Claim | null> {
    const token = newId();
    const taken = await this.row(
      `update idempotency_keys set claim_token = ?, locked_until = now() + make_interval(secs => ?)
        where id = ? and state = 'in_flight' and locked_until < now()
        returning id`,
      [token, timeoutSeconds, id],
    );
    return taken ? { id, token } : null;
  }

  /**
   * Removes an in-flight claim whose time ran out, so the request that finds it can run afresh; the late owner's
   * completion then matches no row. False when the claim was taken or completed meanwhile.
   */
  async dropExpiredClaim(id: string): Promise<boolean> {
    return (
      (await this.run(`delete from idempotency_keys where id = ? and state = 'in_flight' and locked_until < now()`, [id])) > 0
    );
  }

  /** Completes the claim with `outcome` (JSON); false when the claim is no longer this request's. */
  async complete(claim: Claim, outcome: string, tx?: Tx): Promise<boolean> {
    const changed = await this.run(
      `update idempotency_keys set state = 'completed', outcome = ?::jsonb, completed_at = now()
        where id = ? and claim_token = ? and state = 'in_flight'`,
      [outcome, claim.id, claim.token],
      tx,
    );
    return changed === 1;
  }

  /** Frees a claim (its request failed without a stored answer). */
  async release(claim: Claim): Promise<void> {
    await this.run(`delete from idempotency_keys where id = ? and claim_token = ? and state = 'in_flight'`, [
      claim.id,
      claim.token,
    ]);
  }

  /** Stores `outcome` as the completed answer of a key nobody claimed yet; false when the key exists already. */
  async storeCompleted(scope: KeyScope, fingerprint: string, outcome: string): Promise<boolean> {
    const inserted = await this.row(
      `insert into idempotency_keys (id, user_id, route, key, fingerprint, state, claim_token, locked_until, outcome, completed_at)
       values (?, ?, ?, ?, ?, 'completed', ?, now(), ?::jsonb, now())
       on conflict (user_id, route, key) do nothing
       returning id`,
      [newId(), scope.userId, scope.operation, scope.key, fingerprint, newId(), outcome],
    );
    return inserted !== null;
  }

  /** Deletes keys created more than `hours` before `now` (the app's clock); returns how many. */
  purgeOlderThan(hours: number, now: Date): Promise<number> {
    return this.run('delete from idempotency_keys where created_at < ?::timestamptz - make_interval(hours => ?)', [now, hours]);
  }

  /** Deletes every key of the citizen (their stored responses are personal data), inside the erasure's transaction. */
  async eraseUser(tx: Tx, userId: string): Promise<void> {
    await this.run('delete from idempotency_keys where user_id = ?', [userId], tx);
  }
}
