import type { CardsConfig } from '../config';
import type { Transactions, Tx } from '../db/repository';
import type { User } from '../accounts/user.entity';
import type { AccountParticipant } from '../accounts/accounts.service';
import type { AccessScope, Actor } from '../shared/access';
import type { AuditService } from '../shared/audit.service';
import type { RequestInfo } from '../shared/request-info';
import { DomainError, validationError, type FieldError } from '../shared/errors';
import { isUuid } from '../shared/ids';
import { type Page, type PageRequest, pageOf } from '../shared/pagination';
import type { Outbox } from '../notifications/outbox';
import { traced } from '../shared/telemetry';
import { outcomeOf, type CardOperationCounter } from '../shared/metrics';
import {
  BLOCK_REASONS,
  LEDGER_ENTRY_TYPES,
  type BalanceChange,
  type BlockReason,
  type CardBlock,
  type CardSummary,
  type HistoryFilter,
  type LedgerEntry,
  type LedgerEntryType,
} from './card';
import { cardAccess } from './card-access';
import type { BalanceStatement, BalanceStatementResult, CardsRepository } from './cards.repository';
import {
  type IdempotencyScope,
  type IdempotencyService,
  type IdempotentResult,
  parseIdempotencyKey,
  requestFingerprint,
} from './idempotency';
import { formatBrl } from './money';

export type { BalanceChange, CardBlock, CardSummary, HistoryFilter, LedgerEntry } from './card';

/** Rio has been on UTC-3 all year since 2019; calendar dates in filters are Rio days. */
const RIO_OFFSET = '-03:00';
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * How many times the money path's single statement is tried before it locks the card first. It only comes back empty
 * handed when another change of the same card committed while it ran (or a request with the same key won the race).
 */
const UNLOCKED_ATTEMPTS = 3;

/** Parses a `from`/`to` bound; `to` of a calendar date covers that whole day. Returns null when malformed. */
function parseBound(value: string, end: boolean): Date | null {
  if (DATE_ONLY.test(value)) {
    // A day that rolls over (2026-02-30) does not survive the round trip.
    const noon = new Date(`${value}T12:00:00Z`);
    if (Number.isNaN(noon.getTime()) || noon.toISOString().slice(0, 10) !== value) return null;
    const start = new Date(`${value}T00:00:00${RIO_OFFSET}`);
    return end ? new Date(start.getTime() + 86_400_000 - 1) : start;
  }
  if (INSTANT.test(value)) {
    const instant = new Date(value);
    return Number.isNaN(instant.getTime()) ? null : instant;
  }
  return null;
}

/** The year of a protocol number, in Rio time (a block on 31 December at 22:00 in Rio belongs to that year). */
function protocolYear(now: Date): string {
  return new Intl.DateTimeFormat('en', { timeZone: 'America/Sao_Paulo', year: 'numeric' }).format(now);
}

/**
 * A balance change's outcome, and whether its statement wrote a notification event to the outbox (every recharge; a
 * debit that crossed the owner's low-balance threshold; never a replay).
 */
type BalanceOutcome = IdempotentResult<BalanceChange> & { announced?: boolean };

/** The stored outcome of a balance change, as the money path's statement wrote it (JSON, text on some drivers). */
function balanceChangeOf(outcome: unknown): BalanceChange {
  const parsed = (typeof outcome === 'string' ? JSON.parse(outcome) : outcome) as { result: BalanceChange };
  return parsed.result;
}

/**
 * Transport cards: issuing, balance, recharges and fare debits through an immutable ledger, history, blocking and
 * replacement. The REST edge and the bot call these same methods; the SQL is CardsRepository's.
 *
 * A recharge or a debit is one statement (CardsRepository.changeBalance): the idempotency key, the conditional balance
 * update, the ledger entry and the stored outcome, all or nothing, in one round trip. There is no read-modify-write: the
 * database decides "enough balance", "active", "under the cap" and "under the velocity limit" on the row it updates, so
 * concurrent requests cannot overdraw or overfill a card or pass the limit.
 */
export class CardsService implements AccountParticipant {
  constructor(
    private readonly cards: CardsRepository,
    private readonly transactions: Transactions,
    private readonly config: CardsConfig,
    private readonly idempotency: IdempotencyService,
    private readonly audit: AuditService,
    /** The transactional outbox: recharges, blocks and replacements record their notification events in it. */
    private readonly outbox: Outbox,
    /** Where recharge and debit outcomes are counted (the app's metrics); null where nothing counts them (scripts). */
    private readonly metrics: CardOperationCounter | null = null,
  ) {}

  /** Issues a new active card with zero balance for the user, inside the caller's transaction (registration). */
  async issueCard(tx: Tx, userId: string): Promise<string> {
    return (await this.cards.insert(tx, userId, 0)).id;
  }

  /** Every citizen starts with one card. */
  async onRegistered(tx: Tx, user: User): Promise<void> {
    await this.issueCard(tx, user.id);
  }

  /** Erasure: stored idempotent responses go; cards and the ledger stay, tied only to the pseudonymous user id. */
  async onErased(tx: Tx, userId: string): Promise<void> {
    await this.idempotency.eraseUser(tx, userId);
  }

  /** The citizen's cards for the data export: every card with its block record and its full ledger, oldest first. */
  async exportSection(tx: Tx, userId: string): Promise<[string, unknown]> {
    return ['cards', await this.cards.exportOf(tx, userId)];
  }

  /** The caller's cards (every status), oldest first, keyset-paginated by id. */
  async listCards(actor: Actor, page: PageRequest): Promise<Page<CardSummary>> {
    const cards = await this.cards.listOwned(actor.id, page.limit + 1, page.cursor || undefined);
    return pageOf(cards, page.limit, (card) => card.id);
  }

  /** One of the caller's cards; another citizen's card is `not-found`, exactly like a missing one. */
  async getCard(actor: Actor, cardId: string): Promise<CardSummary> {
    const { ownerId } = cardAccess.scope(actor, 'read');
    if (!isUuid(cardId)) throw cardAccess.notFound();
    const card = await this.cards.find(cardId, ownerId);
    if (!card) throw cardAccess.notFound();
    return card;
  }

  /**
   * Issues another card to the caller. At most `maxActiveCards` cards that are not cancelled: the citizen's row is
   * locked first, so two concurrent requests cannot both pass the count.
   */
  async requestCard(actor: Actor): Promise<CardSummary> {
    return this.transactions.run(async (tx) => {
      if (!(await this.cards.lockActiveOwner(tx, actor.id))) throw new DomainError('not-found', 'Conta não encontrada.');
      if ((await this.cards.countNotCancelled(tx, actor.id)) >= this.config.maxActiveCards) {
        throw new DomainError(
          'card-limit',
          `Você já tem ${this.config.maxActiveCards} cartões ativos ou bloqueados, o máximo permitido. ` +
            'Para trocar um cartão perdido ou danificado, bloqueie-o e peça a segunda via.',
        );
      }
      return this.cards.insert(tx, actor.id, 0);
    });
  }

  /**
   * Adds credit to an active card without a payment (a simulated top-up): admins only, on any card, and only where
   * `simulatedRecharges` is on (otherwise `not-found`, as if the operation did not exist; citizens recharge by Pix).
   * `amountCents` must be within the configured per-operation range; the balance may not pass the cap
   * (`balance-limit`); at most `rechargeVelocityLimit` recharges per card per window (`velocity-limit` with a retry
   * delay). Idempotent: `idempotencyKey` is required. The 'recharge-confirmed' notice goes to the card's owner, not to
   * the admin who credited it.
   */
  async recharge(
    actor: Actor,
    cardId: string,
    amountCents: number,
    idempotencyKey: string | undefined,
  ): Promise<IdempotentResult<BalanceChange>> {
    if (!this.config.simulatedRecharges) {
      throw new DomainError('not-found', 'A recarga simulada está desligada neste ambiente: recarregue por Pix.');
    }
    const access = cardAccess.scope(actor, 'recharge');
    const { result, replayed } = await this.observed('recharge', async () => {
      const key = parseIdempotencyKey(idempotencyKey);
      const { rechargeMinCents, rechargeMaxCents } = this.config;
      if (!Number.isSafeInteger(amountCents) || amountCents < rechargeMinCents || amountCents > rechargeMaxCents) {
        throw validationError([
          {
            field: 'amountCents',
            message: `A recarga deve ser de ${formatBrl(rechargeMinCents)} a ${formatBrl(rechargeMaxCents)}.`,
          },
        ]);
      }
      if (!isUuid(cardId)) throw cardAccess.notFound();
      return this.changeBalance(actor, access, 'recharge', cardId, amountCents, key);
    });
    // The money path's statement wrote the 'recharge-confirmed' event with the ledger entry; a replay wrote none.
    if (!replayed) this.outbox.committed();
    return { result, replayed };
  }

  /**
   * Takes a fare from an active card (a simulated tap by the owner). Not enough balance: `insufficient-funds`; card not
   * active: `card-not-active`. Idempotent: `idempotencyKey` is required.
   */
  async debit(
    actor: Actor,
    cardId: string,
    amountCents: number,
    idempotencyKey: string | undefined,
  ): Promise<IdempotentResult<BalanceChange>> {
    const access = cardAccess.scope(actor, 'debit');
    const { announced, ...outcome } = await this.observed('debit', async () => {
      const key = parseIdempotencyKey(idempotencyKey);
      if (!Number.isSafeInteger(amountCents) || amountCents < 1) {
        throw validationError([
          { field: 'amountCents', message: 'O valor deve ser um número inteiro de centavos maior que zero.' },
        ]);
      }
      if (!isUuid(cardId)) throw cardAccess.notFound();
      return this.changeBalance(actor, access, 'debit', cardId, amountCents, key);
    });
    // The low-balance alert is decided and written to the outbox by the debit's own statement (its `crossing` step,
    // CardsRepository), keyed by the ledger entry: only the debit that crossed wrote it, a replay wrote nothing.
    if (announced) this.outbox.committed();
    return outcome;
  }

  /** Runs one recharge or debit in its own span and counts its outcome (`ok`, `replayed` or the error code). */
  private observed(operation: 'recharge' | 'debit', run: () => Promise<BalanceOutcome>): Promise<BalanceOutcome> {
    return traced(`cards.${operation}`, { 'app.operation': operation }, async (span) => {
      try {
        const outcome = await run();
        span.setAttribute('app.replayed', outcome.replayed);
        this.metrics?.cardOperation(operation, outcome.replayed ? 'replayed' : 'ok');
        return outcome;
      } catch (error) {
        this.metrics?.cardOperation(operation, outcomeOf(error));
        throw error;
      }
    });
  }

  /**
   * The money path. Usually one round trip: the repository's single statement either applies the change (and stores
   * the key with its outcome) or finds the key already stored. When it changed nothing, a read says why: a refusal
   * about the card's state is stored as the key's answer; a card changed concurrently is tried again, and after
   * `UNLOCKED_ATTEMPTS` the card is locked first, so a contended card still makes progress.
   */
  private async changeBalance(
    actor: Actor,
    access: AccessScope,
    type: 'recharge' | 'debit',
    cardId: string,
    amountCents: number,
    key: string,
  ): Promise<BalanceOutcome> {
    const scope: IdempotencyScope = {
      userId: actor.id,
      operation: type === 'recharge' ? 'card.recharge' : 'card.debit',
      key,
      request: { cardId, amountCents },
    };
    const statement: BalanceStatement = {
      type,
      cardId,
      ownerId: access.ownerId,
      amountCents,
      description: type === 'recharge' ? 'Recarga' : 'Passagem',
      scope,
      fingerprint: requestFingerprint(scope.request),
      balanceCapCents: this.config.balanceCapCents,
      velocityLimit: this.config.rechargeVelocityLimit,
      velocityWindowSeconds: this.config.rechargeVelocityWindowSeconds,
    };
    for (let attempt = 1; ; attempt++) {
      const done: BalanceStatementResult =
        attempt <= UNLOCKED_ATTEMPTS
          ? await this.cards.changeBalance(statement)
          : await this.transactions.run(async (tx) => {
              await this.cards.lockOwned(tx, cardId, access.ownerId);
              return this.cards.changeBalance(statement, tx);
            });
      if (done.kind === 'applied') return { result: balanceChangeOf(done.outcome), replayed: false, announced: done.announced };
      if (done.kind === 'existing') {
        const answered = await this.idempotency.answer<BalanceChange>(done.key, statement.fingerprint);
        if (answered) return answered;
        continue;
      }
      const refusal = await this.refusal(statement);
      if (refusal) return this.idempotency.settleRefusal<BalanceChange>(scope, refusal);
      if (attempt > UNLOCKED_ATTEMPTS + 1) throw new Error(`card ${cardId} changed under its row lock`);
    }
  }

  /**
   * Why a balance change matched no row: not the owner's card, not active, the amount does not fit, or (recharges) the
   * velocity limit. Null when nothing is wrong now: the card changed while the statement ran.
   */
  private async refusal(change: BalanceStatement): Promise<DomainError | null> {
    const state = await this.cards.balanceState(change.cardId, change.ownerId, change.velocityWindowSeconds);
    if (!state) return cardAccess.notFound();
    const { card } = state;
    if (card.status !== 'active') {
      const status = card.status === 'blocked' ? 'está bloqueado' : 'está cancelado';
      return new DomainError('card-not-active', `O cartão ${card.maskedNumber} ${status} e não aceita recargas nem passagens.`);
    }
    if (change.type === 'debit') {
      if (card.balanceCents >= change.amountCents) return null;
      return new DomainError(
        'insufficient-funds',
        `Saldo insuficiente: o cartão ${card.maskedNumber} tem ${formatBrl(card.balanceCents)} e a passagem custa ${formatBrl(change.amountCents)}.`,
      );
    }
    if (card.balanceCents + change.amountCents > change.balanceCapCents) {
      return new DomainError(
        'balance-limit',
        `A recarga de ${formatBrl(change.amountCents)} deixaria o saldo acima do limite de ` +
          `${formatBrl(change.balanceCapCents)} (saldo atual: ${formatBrl(card.balanceCents)}).`,
      );
    }
    if (state.recentRecharges < change.velocityLimit) return null;
    const minutes = Math.round(change.velocityWindowSeconds / 60);
    return new DomainError(
      'velocity-limit',
      `Este cartão já recebeu ${change.velocityLimit} recargas ${minutes === 60 ? 'na última hora' : `nos últimos ${minutes} minutos`}. ` +
        'Aguarde um pouco e tente novamente.',
      { retryAfterSeconds: Math.max(1, Math.ceil(state.secondsUntilWindowFrees ?? 1)) },
    );
  }

  /** The card's ledger, newest first, keyset-paginated, optionally filtered by entry type and date range. */
  async history(actor: Actor, cardId: string, filter: HistoryFilter, page: PageRequest): Promise<Page<LedgerEntry>> {
    const { ownerId } = cardAccess.scope(actor, 'read');
    const errors: FieldError[] = [];
    if (filter.type !== undefined && !(LEDGER_ENTRY_TYPES as readonly string[]).includes(filter.type)) {
      errors.push({ field: 'type', message: `Tipo inválido; use um de: ${LEDGER_ENTRY_TYPES.join(', ')}.` });
    }
    const bounds: { from?: Date; to?: Date } = {};
    for (const name of ['from', 'to'] as const) {
      const raw = filter[name];
      if (raw === undefined || raw === '') continue;
      const parsed = parseBound(raw, name === 'to');
      if (parsed) bounds[name] = parsed;
      else errors.push({ field: name, message: 'Data inválida: use AAAA-MM-DD ou um instante ISO 8601 com fuso.' });
    }
    if (bounds.from && bounds.to && bounds.from > bounds.to) {
      errors.push({ field: 'from', message: 'O início do período deve ser anterior ao fim.' });
    }
    if (errors.length > 0) throw validationError(errors);
    if (!isUuid(cardId)) throw cardAccess.notFound();
    const entries = await this.cards.historyPage(cardId, ownerId, {
      type: (filter.type || undefined) as LedgerEntryType | undefined,
      ...bounds,
      cursor: page.cursor || undefined,
      limit: page.limit + 1,
    });
    if (!entries) throw cardAccess.notFound();
    return pageOf(entries, page.limit, (entry) => entry.id);
  }

  /**
   * Blocks an active card (lost, stolen, damaged, other): status `blocked`, a unique protocol number, an audit entry,
   * all in one transaction. A blocked card refuses recharges and debits. The bot passes an idempotency key so a
   * restored conversation never blocks twice; without one, blocking a blocked card is `card-not-active`.
   */
  async block(
    actor: Actor,
    cardId: string,
    reason: string,
    info: RequestInfo,
    idempotencyKey?: string,
  ): Promise<IdempotentResult<CardBlock>> {
    const { ownerId } = cardAccess.scope(actor, 'block');
    const key = idempotencyKey === undefined ? undefined : parseIdempotencyKey(idempotencyKey);
    if (!(BLOCK_REASONS as readonly string[]).includes(reason)) {
      throw validationError([{ field: 'reason', message: `Motivo inválido; use um de: ${BLOCK_REASONS.join(', ')}.` }]);
    }
    if (!isUuid(cardId)) throw cardAccess.notFound();
    const effect = (tx: Tx) => this.applyBlock(tx, actor, ownerId, cardId, reason as BlockReason, info);
    const outcome =
      key === undefined
        ? { result: await this.transactions.run(effect), replayed: false }
        : await this.idempotency.run({ userId: actor.id, operation: 'card.block', key, request: { cardId, reason } }, effect);
    if (!outcome.replayed) this.outbox.committed();
    return outcome;
  }

  /**
   * Replaces a blocked card: a new active card receives the whole balance and the old one is cancelled at zero, with a
   * `transfer_out` entry on the old card and a `transfer_in` on the new one, in one transaction. Only a blocked card can
   * be replaced (`card-not-blocked`), and only once (`card-already-replaced`).
   */
  async replace(actor: Actor, cardId: string, info: RequestInfo): Promise<CardSummary> {
    const { ownerId } = cardAccess.scope(actor, 'replace');
    if (!isUuid(cardId)) throw cardAccess.notFound();
    const replacement = await this.transactions.run(async (tx) => {
      // The row lock makes a concurrent second replacement wait and then see `cancelled`. A blocked card's balance
      // cannot change (recharges and debits require `active`), so the value read under the lock is the one moved.
      const old = await this.cards.lockOwned(tx, cardId, ownerId);
      if (!old) throw cardAccess.notFound();
      if (old.status === 'active') {
        throw new DomainError('card-not-blocked', `Bloqueie o cartão ${old.maskedNumber} antes de pedir a segunda via.`);
      }
      if (old.status === 'cancelled') {
        throw new DomainError('card-already-replaced', `O cartão ${old.maskedNumber} já foi substituído por uma segunda via.`);
      }
      const moved = old.balanceCents;
      // The replacement belongs to the old card's owner (the caller, under the `owner` rule).
      const fresh = await this.cards.insert(tx, actor.id, moved);
      const seq = await this.cards.cancelReplaced(tx, cardId, fresh.id, moved);
      if (seq === null) throw new Error(`card ${cardId} changed under its row lock`);
      if (moved > 0) {
        await this.cards.appendTransfer(tx, {
          fromCardId: cardId,
          fromSeq: seq,
          toCardId: fresh.id,
          amountCents: moved,
          outDescription: `Saldo transferido para a segunda via ${fresh.maskedNumber}`,
          inDescription: `Saldo recebido do cartão ${old.maskedNumber}`,
        });
      }
      await this.audit.record(tx, 'card_replaced', info, {
        actorId: actor.id,
        subjectId: cardId,
        details: { newCardId: fresh.id, movedCents: moved },
      });
      await this.outbox.add(tx, `card-replaced:${cardId}`, {
        type: 'card-replaced',
        userId: actor.id,
        cardId,
        maskedNumber: old.maskedNumber,
        newCardId: fresh.id,
        newMaskedNumber: fresh.maskedNumber,
        movedCents: moved,
      });
      return fresh;
    });
    this.outbox.committed();
    return replacement;
  }

  private async applyBlock(
    tx: Tx,
    actor: Actor,
    ownerId: string | null,
    cardId: string,
    reason: BlockReason,
    info: RequestInfo,
  ): Promise<CardBlock> {
    const card = await this.cards.blockActive(tx, cardId, ownerId);
    if (!card) {
      const found = await this.cards.findIn(tx, cardId, ownerId);
      if (!found) throw cardAccess.notFound();
      const state = found.status === 'blocked' ? 'já está bloqueado' : 'está cancelado';
      throw new DomainError('card-not-active', `O cartão ${found.maskedNumber} ${state}.`);
    }
    const protocol = await this.cards.recordBlock(tx, { cardId, userId: actor.id, reason, year: protocolYear(new Date()) });
    await this.audit.record(tx, 'card_blocked', info, {
      actorId: actor.id,
      subjectId: cardId,
      details: { reason, protocol },
    });
    await this.outbox.add(tx, `card-blocked:${protocol}`, {
      type: 'card-blocked',
      userId: actor.id,
      cardId,
      maskedNumber: card.maskedNumber,
      protocol,
    });
    return { card, protocol };
  }
}
