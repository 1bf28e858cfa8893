import { createHash } from 'node:crypto';
import type { IdempotencyConfig } from '../config';
import type { Transactions, Tx } from '../db/repository';
import { DomainError, type ErrorCode } from '../shared/errors';
import type { Claim, IdempotencyRepository, KeyScope, StoredKey } from './idempotency.repository';

/** What a completed key remembers: the result of the first request, or the refusal it got. */
export type StoredOutcome<T> = { ok: true; result: T } | { ok: false; code: ErrorCode; message: string };

/** The answer to an idempotent call: `replayed` is true when it is the stored outcome of an earlier request. */
export interface IdempotentResult<T> {
  result: T;
  replayed: boolean;
}

/** Which operation of which citizen a key belongs to, and what the request asked for. */
export interface IdempotencyScope extends KeyScope {
  /** Everything that identifies the request (its target and values); the same key with other values is refused. */
  request: unknown;
}

/**
 * Refusals that are decisions about the resource's state (taken after the operation started): they are stored and
 * replayed like a success. Anything else (validation, not found, rate limits, unexpected failures) releases the key, so
 * a corrected or later retry with the same key runs for real.
 */
const STORED_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'insufficient-funds',
  'balance-limit',
  'card-not-active',
  'card-not-blocked',
  'card-already-replaced',
]);

// Printable ASCII, as the IETF draft's sf-string allows; surrounding double quotes (the sf-string form) are dropped.
const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/**
 * Validates a client-supplied Idempotency-Key (REST header or a key made by the bot). Missing or malformed keys are
 * refused before anything else happens, so they never reach the store.
 */
export function parseIdempotencyKey(raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '') throw new DomainError('idempotency-key-required');
  let key = raw.trim();
  if (key.length >= 2 && key.startsWith('"') && key.endsWith('"')) key = key.slice(1, -1);
  if (!KEY_PATTERN.test(key)) {
    throw new DomainError(
      'idempotency-key-required',
      'Idempotency-Key inválida: use de 1 a 255 caracteres imprimíveis (ASCII), por exemplo um UUID.',
    );
  }
  return key;
}

/** JSON with object keys sorted at every level, so equal requests hash equally whatever the property order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 (hex) of the request's canonical JSON. */
export function requestFingerprint(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

function parseOutcome<T>(value: unknown): StoredOutcome<T> {
  return (typeof value === 'string' ? JSON.parse(value) : value) as StoredOutcome<T>;
}

/**
 * Idempotent operations (Stripe's idempotent requests, the IETF Idempotency-Key draft), shared by the REST edge and the
 * bot. A key belongs to one citizen and one operation (`card.recharge`, `card.block`...), never to a transport route.
 *
 * `run` is the general form: a key is claimed with INSERT ... ON CONFLICT DO NOTHING in its own short statement, so a
 * concurrent request with the same key sees the claim at once and gets `idempotency-key-in-flight` instead of queueing
 * behind it. The effect and the stored outcome then commit in ONE transaction: either both exist or neither does. A
 * claim whose process died expires after `claimTimeoutSeconds` and a retry takes it over; the late first request then
 * fails its completion (its claim token is no longer the key's), which rolls its effect back, so there is exactly one
 * effect either way. The money path (recharges and debits) stores its key in the same statement as its effect instead
 * (CardsRepository.changeBalance) and uses `answer` and `settleRefusal` for the rest.
 */
export class IdempotencyService {
  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly transactions: Transactions,
    private readonly config: IdempotencyConfig,
  ) {}

  /**
   * Runs `effect` at most once per scope. `effect` receives the transaction and must do all its writes in it. The first
   * outcome (result or state refusal) is stored and answered again, with `replayed: true`, to every later request with
   * the same key and the same request; a stored refusal is thrown again as a DomainError with `replayed` set.
   */
  async run<T>(scope: IdempotencyScope, effect: (tx: Tx) => Promise<T>): Promise<IdempotentResult<T>> {
    const fingerprint = requestFingerprint(scope.request);
    const claimed = await this.claim<T>(scope, fingerprint);
    if ('outcome' in claimed) return replay(claimed.outcome);
    const { claim } = claimed;
    try {
      const result = await this.transactions.run(async (tx) => {
        const value = await effect(tx);
        if (!(await this.keys.complete(claim, JSON.stringify({ ok: true, result: value }), tx))) {
          // A lost claim aborts the transaction: no second effect.
          throw new DomainError('idempotency-key-in-flight');
        }
        return value;
      });
      return { result, replayed: false };
    } catch (error) {
      // Bookkeeping failures must not hide the original error: an unreleased claim simply expires.
      await this.settleFailure(claim, error).catch(() => undefined);
      throw error;
    }
  }

  /**
   * The answer to a request whose key is already stored: the stored outcome (replayed), `idempotency-key-reused` for
   * other values, `idempotency-key-in-flight` while its first request runs. Null when that first request's claim expired
   * and was dropped: the caller runs the operation afresh.
   */
  async answer<T>(key: StoredKey, fingerprint: string): Promise<IdempotentResult<T> | null> {
    if (key.fingerprint !== fingerprint) throw new DomainError('idempotency-key-reused');
    if (key.state === 'completed') return replay(parseOutcome<T>(key.outcome));
    if (!key.expired) throw new DomainError('idempotency-key-in-flight');
    await this.keys.dropExpiredClaim(key.id);
    return null;
  }

  /**
   * Stores a refusal about the resource's state as the key's answer (other refusals are not stored) and throws it.
   * When another request with the key stored its outcome first, that outcome is the answer instead.
   */
  async settleRefusal<T>(scope: IdempotencyScope, refusal: DomainError): Promise<IdempotentResult<T>> {
    if (!STORED_REFUSALS.has(refusal.code)) throw refusal;
    const fingerprint = requestFingerprint(scope.request);
    const outcome = JSON.stringify({ ok: false, code: refusal.code, message: refusal.message });
    if (await this.keys.storeCompleted(scope, fingerprint, outcome)) throw refusal;
    const stored = await this.keys.find(scope);
    const answered = stored ? await this.answer<T>(stored, fingerprint) : null;
    if (!answered) throw refusal;
    return answered;
  }

  /**
   * Deletes keys (and their stored responses) older than the TTL at `now` (the app's clock); returns how many. Run by
   * the `purge-idempotency-keys` job (src/jobs).
   */
  purgeExpired(now: Date): Promise<number> {
    return this.keys.purgeOlderThan(this.config.ttlHours, now);
  }

  /** LGPD erasure: stored responses are personal data of the citizen. */
  eraseUser(tx: Tx, userId: string): Promise<void> {
    return this.keys.eraseUser(tx, userId);
  }

  private async claim<T>(
    scope: IdempotencyScope,
    fingerprint: string,
  ): Promise<{ claim: Claim } | { outcome: StoredOutcome<T> }> {
    const timeout = this.config.claimTimeoutSeconds;
    // A key can vanish between two statements (released by a failed first request, or purged): then try again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const claim = await this.keys.claim(scope, fingerprint, timeout);
      if (claim) return { claim };
      const existing = await this.keys.find(scope);
      if (!existing) continue;
      if (existing.fingerprint !== fingerprint) throw new DomainError('idempotency-key-reused');
      if (existing.state === 'completed') return { outcome: parseOutcome<T>(existing.outcome) };
      if (!existing.expired) throw new DomainError('idempotency-key-in-flight');
      const taken = await this.keys.takeOver(existing.id, timeout);
      if (taken) return { claim: taken };
    }
    throw new DomainError('idempotency-key-in-flight');
  }

  /** After a failed effect (rolled back, nothing changed): store a state refusal as the key's answer, else free the key. */
  private async settleFailure(claim: Claim, error: unknown): Promise<void> {
    if (error instanceof DomainError && STORED_REFUSALS.has(error.code)) {
      await this.keys.complete(claim, JSON.stringify({ ok: false, code: error.code, message: error.message }));
      return;
    }
    await this.keys.release(claim);
  }
}

/** A stored outcome answered again: the result, or the stored refusal thrown with `replayed` set. */
function replay<T>(outcome: StoredOutcome<T>): IdempotentResult<T> {
  if (outcome.ok) return { result: outcome.result, replayed: true };
  throw new DomainError(outcome.code, outcome.message, { replayed: true });
}
