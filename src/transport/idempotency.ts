import { createHash } from 'node:crypto';
import type { IdempotencyConfig } from '../config';
import type { EntityManager } from '../db/orm';
import { DomainError, type ErrorCode } from '../shared/errors';
import { newId } from '../shared/ids';
import { prepared, runPrepared } from '../db/prepared';

/** The claim every money-moving request starts with, outside its transaction: prepared (src/db/prepared.ts). */
const CLAIM = prepared(
  'idempotency_claim',
  `insert into idempotency_keys (id, user_id, route, key, fingerprint, state, claim_token, locked_until)
   values (?, ?, ?, ?, ?, 'in_flight', ?, now() + make_interval(secs => ?))
   on conflict (user_id, route, key) do nothing
   returning id`,
);

/** What a completed key remembers: the result of the first request, or the refusal it got. */
export type StoredOutcome<T> = { ok: true; result: T } | { ok: false; code: ErrorCode; message: string };

/** The answer to an idempotent call: `replayed` is true when it is the stored outcome of an earlier request. */
export interface IdempotentResult<T> {
  result: T;
  replayed: boolean;
}

/** Which operation of which citizen a key belongs to, and what the request asked for. */
export interface IdempotencyScope {
  userId: string;
  /** Stable operation name, e.g. `POST /v1/cards/{id}/recharges`: a key is scoped to citizen + route. */
  route: string;
  key: string;
  /** Everything that identifies the request (path parameters and body); the same key with other values is refused. */
  request: unknown;
}

interface Claim {
  id: string;
  token: string;
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
 * bot.
 *
 * A key is claimed with INSERT ... ON CONFLICT DO NOTHING in its own short statement, so a concurrent request with the
 * same key sees the claim at once and gets `idempotency-key-in-flight` instead of queueing behind it. The effect and
 * the stored outcome then commit in ONE transaction: either both exist or neither does. A claim whose process died
 * expires after `claimTimeoutSeconds` and a retry takes it over; the late first request then fails its completion
 * (its claim token is no longer the key's), which rolls its effect back, so there is exactly one effect either way.
 */
export class IdempotencyService {
  constructor(
    private readonly em: EntityManager,
    private readonly config: IdempotencyConfig,
  ) {}

  /**
   * Runs `effect` at most once per scope. `effect` receives the transaction's entity manager and must do all its
   * writes through it. The first outcome (result or state refusal) is stored and answered again, with
   * `replayed: true`, to every later request with the same key and the same request; a stored refusal is thrown again
   * as a DomainError with `replayed` set.
   */
  async run<T>(scope: IdempotencyScope, effect: (em: EntityManager) => Promise<T>): Promise<IdempotentResult<T>> {
    const fingerprint = requestFingerprint(scope.request);
    const claimed = await this.claim<T>(scope, fingerprint);
    if ('outcome' in claimed) {
      const { outcome } = claimed;
      if (outcome.ok) return { result: outcome.result, replayed: true };
      throw new DomainError(outcome.code, outcome.message, { replayed: true });
    }
    const { claim } = claimed;
    try {
      const result = await this.em.transactional(async (em) => {
        const value = await effect(em);
        await this.complete(em, claim, { ok: true, result: value });
        return value;
      });
      return { result, replayed: false };
    } catch (error) {
      // Bookkeeping failures must not hide the original error: an unreleased claim simply expires.
      await this.settleFailure(claim, error).catch(() => undefined);
      throw error;
    }
  }

  /** Deletes keys (and their stored responses) older than the TTL; returns how many. Called periodically by the app. */
  async purgeExpired(): Promise<number> {
    const result = await this.em
      .fork()
      .execute<{ affectedRows: number }>(
        'delete from idempotency_keys where created_at < now() - make_interval(hours => ?)',
        [this.config.ttlHours],
        'run',
      );
    return result.affectedRows;
  }

  /** LGPD erasure: stored responses are personal data of the citizen. */
  async eraseUser(em: EntityManager, userId: string): Promise<void> {
    await em.execute('delete from idempotency_keys where user_id = ?', [userId]);
  }

  private async claim<T>(
    scope: IdempotencyScope,
    fingerprint: string,
  ): Promise<{ claim: Claim } | { outcome: StoredOutcome<T> }> {
    const timeout = this.config.claimTimeoutSeconds;
    // A key can vanish between two statements (released by a failed first request, or purged): then try again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const token = newId();
      const inserted = await runPrepared<{ id: string }>(this.em, CLAIM, [
        newId(),
        scope.userId,
        scope.route,
        scope.key,
        fingerprint,
        token,
        timeout,
      ]);
      if (inserted[0]) return { claim: { id: inserted[0].id, token } };

      const rows = await this.em.execute<
        { id: string; fingerprint: string; state: 'in_flight' | 'completed'; outcome: unknown; expired: boolean }[]
      >(
        `select id, fingerprint, state, outcome, locked_until < now() as expired
           from idempotency_keys where user_id = ? and route = ? and key = ?`,
        [scope.userId, scope.route, scope.key],
      );
      const existing = rows[0];
      if (!existing) continue;
      if (existing.fingerprint !== fingerprint) throw new DomainError('idempotency-key-reused');
      if (existing.state === 'completed') return { outcome: parseOutcome<T>(existing.outcome) };
      if (!existing.expired) throw new DomainError('idempotency-key-in-flight');
      const taken = await this.em.execute<{ id: string }[]>(
        `update idempotency_keys set claim_token = ?, locked_until = now() + make_interval(secs => ?)
          where id = ? and state = 'in_flight' and locked_until < now()
          returning id`,
        [token, timeout, existing.id],
      );
      if (taken[0]) return { claim: { id: existing.id, token } };
    }
    throw new DomainError('idempotency-key-in-flight');
  }

  /** Marks the claim completed inside the effect's transaction; a lost claim aborts the transaction (no second effect). */
  private async complete<T>(em: EntityManager, claim: Claim, outcome: StoredOutcome<T>): Promise<void> {
    const result = await em.execute<{ affectedRows: number }>(
      `update idempotency_keys set state = 'completed', outcome = ?::jsonb, completed_at = now()
        where id = ? and claim_token = ? and state = 'in_flight'`,
      [JSON.stringify(outcome), claim.id, claim.token],
      'run',
    );
    if (result.affectedRows !== 1) throw new DomainError('idempotency-key-in-flight');
  }

  /** After a failed effect (rolled back, nothing changed): store a state refusal as the key's answer, else free the key. */
  private async settleFailure(claim: Claim, error: unknown): Promise<void> {
    if (error instanceof DomainError && STORED_REFUSALS.has(error.code)) {
      await this.em.execute(
        `update idempotency_keys set state = 'completed', outcome = ?::jsonb, completed_at = now()
          where id = ? and claim_token = ? and state = 'in_flight'`,
        [JSON.stringify({ ok: false, code: error.code, message: error.message }), claim.id, claim.token],
        'run',
      );
      return;
    }
    await this.em.execute(`delete from idempotency_keys where id = ? and claim_token = ? and state = 'in_flight'`, [
      claim.id,
      claim.token,
    ]);
  }
}
