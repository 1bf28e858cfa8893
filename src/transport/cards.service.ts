import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { CardsConfig } from '../config';
import type { EntityManager } from '../db/orm';
import type { User } from '../accounts/user.entity';
import type { AccountParticipant } from '../accounts/accounts.service';
import type { Actor } from '../shared/access';
import type { AuditService } from '../shared/audit.service';
import type { RequestInfo } from '../shared/request-info';
import { DomainError, validationError, type FieldError } from '../shared/errors';
import { isUuid, newId } from '../shared/ids';
import { type Page, type PageRequest, pageOf } from '../shared/pagination';
import { generateCardNumber, maskCardNumber } from './card-number';
import { BLOCK_REASONS, LEDGER_ENTRY_TYPES, type BlockReason, type CardStatus, type LedgerEntryType } from './card.entity';
import { type IdempotencyService, type IdempotentResult, parseIdempotencyKey } from './idempotency';
import { formatBrl } from './money';
import type { DomainEvents } from '../shared/domain-events';
import { traced } from '../shared/telemetry';
import { outcomeOf, type CardOperationCounter } from '../shared/metrics';
import { prepared, runPrepared } from '../db/prepared';

/** A card as services hand it to the edges (plain data: it is also stored as an idempotent result). */
export interface CardSummary {
  id: string;
  /** Full 16-digit number; edges decide where it may be shown (lists show it masked). */
  number: string;
  maskedNumber: string;
  status: CardStatus;
  balanceCents: number;
  /** The card that received this card's balance when it was replaced. */
  replacedByCardId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One ledger entry. Entries are immutable; `balanceAfterCents` is the card's balance right after it. */
export interface LedgerEntry {
  id: string;
  cardId: string;
  type: LedgerEntryType;
  amountCents: number;
  balanceAfterCents: number;
  description: string;
  idempotencyKey: string | null;
  /** The other card of a transfer (replacement). */
  counterpartCardId: string | null;
  createdAt: string;
}

/** The result of a recharge or a debit. */
export interface BalanceChange {
  transaction: LedgerEntry;
  balanceCents: number;
}

/** The result of blocking a card: the card and the protocol number the citizen keeps. */
export interface CardBlock {
  card: CardSummary;
  /** `YYYY-NNNNNN`, unique (a database sequence). */
  protocol: string;
}

/** History filters; `from`/`to` are `YYYY-MM-DD` (a whole day, Rio time) or ISO 8601 instants, both inclusive. */
export interface HistoryFilter {
  type?: string;
  from?: string;
  to?: string;
}

const CARD_COLUMNS = `id, number, status, balance_cents, replaced_by_card_id, created_at, updated_at`;
const LEDGER_COLUMNS = `id, card_id, type, amount_cents, balance_after_cents, description, idempotency_key, counterpart_card_id, created_at`;

type Row = Record<string, unknown>;

// The card reads every client polls (listing, one card): prepared once per connection (src/db/prepared.ts).
const CARDS_FIRST = prepared('cards_first', `select ${CARD_COLUMNS} from transport_cards where user_id = ? order by id limit ?`);
const CARDS_AFTER = prepared(
  'cards_after',
  `select ${CARD_COLUMNS} from transport_cards where user_id = ? and id > ? order by id limit ?`,
);
const CARD_OF_OWNER = prepared('card_of_owner', `select ${CARD_COLUMNS} from transport_cards where id = ? and user_id = ?`);

const iso = (value: unknown): string => new Date(value as string | Date).toISOString();

function toCard(row: Row): CardSummary {
  const number = String(row.number);
  return {
    id: String(row.id),
    number,
    maskedNumber: maskCardNumber(number),
    status: row.status as CardStatus,
    balanceCents: Number(row.balance_cents),
    replacedByCardId: (row.replaced_by_card_id as string | null) ?? null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

function toEntry(row: Row): LedgerEntry {
  return {
    id: String(row.id),
    cardId: String(row.card_id),
    type: row.type as LedgerEntryType,
    amountCents: Number(row.amount_cents),
    balanceAfterCents: Number(row.balance_after_cents),
    description: String(row.description),
    idempotencyKey: (row.idempotency_key as string | null) ?? null,
    counterpartCardId: (row.counterpart_card_id as string | null) ?? null,
    createdAt: iso(row.created_at),
  };
}

const CARD_NOT_FOUND = 'Cartão não encontrado.';

/** Rio has been on UTC-3 all year since 2019; calendar dates in filters are Rio days. */
const RIO_OFFSET = '-03:00';
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

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
 * Transport cards: issuing, balance, recharges and fare debits through an immutable ledger, history, blocking and
 * replacement. The REST edge and the bot call these same methods.
 *
 * Every balance change is one atomic conditional UPDATE that also bumps the card's `ledger_seq`, chained in the same
 * statement (a CTE) to the INSERT of its ledger entry with the resulting balance. There is no read-modify-write: the
 * database decides "enough balance", "active" and "under the cap" on the locked row, so concurrent requests cannot
 * overdraw or overfill a card.
 */
export class CardsService implements AccountParticipant {
  constructor(
    private readonly em: EntityManager,
    private readonly config: CardsConfig,
    private readonly idempotency: IdempotencyService,
    private readonly audit: AuditService,
  ) {}

  /** Where recharge and debit outcomes are counted; the composition root plugs the app's metrics in. */
  metrics: CardOperationCounter | null = null;

  /** Where confirmed recharges and blocks are announced (proactive chat notifications); plugged in by createServices. */
  events: DomainEvents | null = null;

  /** Issues a new active card with zero balance for the user, inside the caller's transaction (registration). */
  async issueCard(em: EntityManager, userId: string): Promise<string> {
    const row = await this.insertCard(em, userId, 0);
    return String(row.id);
  }

  /** Every citizen starts with one card. */
  async onRegistered(em: EntityManager, user: User): Promise<void> {
    await this.issueCard(em, user.id);
  }

  /** Erasure: stored idempotent responses go; cards and the ledger stay, tied only to the pseudonymous user id. */
  async onErased(em: EntityManager, userId: string): Promise<void> {
    await this.idempotency.eraseUser(em, userId);
  }

  /** The citizen's cards for the data export: every card with its block record and its full ledger, oldest first. */
  async exportSection(em: EntityManager, userId: string): Promise<[string, unknown]> {
    const cards = await em.execute<Row[]>(`select ${CARD_COLUMNS} from transport_cards where user_id = ? order by id`, [userId]);
    const entries = await em.execute<Row[]>(
      `select ${LEDGER_COLUMNS.split(', ')
        .map((c) => `l.${c}`)
        .join(', ')}
         from card_ledger l join transport_cards c on c.id = l.card_id
        where c.user_id = ? order by l.card_id, l.seq`,
      [userId],
    );
    const blocks = await em.execute<Row[]>(
      'select card_id, protocol, reason, created_at from card_blocks where user_id = ? order by created_at',
      [userId],
    );
    return [
      'cards',
      cards.map((row) => {
        const card = toCard(row);
        const block = blocks.find((b) => b.card_id === card.id);
        return {
          ...card,
          block: block ? { protocol: block.protocol, reason: block.reason, blockedAt: iso(block.created_at) } : null,
          transactions: entries.filter((e) => e.card_id === card.id).map(toEntry),
        };
      }),
    ];
  }

  /** The caller's cards (every status), oldest first, keyset-paginated by id. */
  async listCards(actor: Actor, page: PageRequest): Promise<Page<CardSummary>> {
    // Reads that need no unit of work (here and in getCard) go straight to the database: no EntityManager fork.
    const rows = page.cursor
      ? await runPrepared<Row>(this.em, CARDS_AFTER, [actor.id, page.cursor, page.limit + 1])
      : await runPrepared<Row>(this.em, CARDS_FIRST, [actor.id, page.limit + 1]);
    return pageOf(rows.map(toCard), page.limit, (card) => card.id);
  }

  /** One of the caller's cards; another citizen's card is `not-found`, exactly like a missing one. */
  async getCard(actor: Actor, cardId: string): Promise<CardSummary> {
    if (!isUuid(cardId)) throw new DomainError('not-found', CARD_NOT_FOUND);
    const rows = await runPrepared<Row>(this.em, CARD_OF_OWNER, [cardId, actor.id]);
    if (!rows[0]) throw new DomainError('not-found', CARD_NOT_FOUND);
    return toCard(rows[0]);
  }

  /**
   * Issues another card to the caller. At most `maxActiveCards` cards that are not cancelled: the citizen's row is
   * locked first, so two concurrent requests cannot both pass the count.
   */
  async requestCard(actor: Actor): Promise<CardSummary> {
    return this.em.transactional(async (em) => {
      const owner = await em.execute<Row[]>(`select id from users where id = ? and status = 'active' for no key update`, [
        actor.id,
      ]);
      if (!owner[0]) throw new DomainError('not-found', 'Conta não encontrada.');
      const counted = await em.execute<{ n: number }[]>(
        `select count(*)::int as n from transport_cards where user_id = ? and status <> 'cancelled'`,
        [actor.id],
      );
      if (counted[0].n >= this.config.maxActiveCards) {
        throw new DomainError(
          'card-limit',
          `Você já tem ${this.config.maxActiveCards} cartões ativos ou bloqueados, o máximo permitido. ` +
            'Para trocar um cartão perdido ou danificado, bloqueie-o e peça a segunda via.',
        );
      }
      return toCard(await this.insertCard(em, actor.id, 0));
    });
  }

  /**
   * Adds credit to an active card (a simulated top-up). `amountCents` must be within the configured per-operation range;
   * the balance may not pass the cap (`balance-limit`); at most `rechargeVelocityLimit` recharges per card per window
   * (`velocity-limit` with a retry delay). Idempotent: `idempotencyKey` is required.
   */
  async recharge(
    actor: Actor,
    cardId: string,
    amountCents: number,
    idempotencyKey: string | undefined,
  ): Promise<IdempotentResult<BalanceChange>> {
    const outcome = await this.observed('recharge', async () => {
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
      if (!isUuid(cardId)) throw new DomainError('not-found', CARD_NOT_FOUND);
      return this.idempotency.run(
        { userId: actor.id, route: 'POST /v1/cards/{id}/recharges', key, request: { cardId, amountCents } },
        async (em) => {
          const change = await this.applyChange(em, actor, cardId, 'recharge', amountCents, key);
          await this.checkVelocity(em, cardId);
          return change;
        },
      );
    });
    // Announced after the commit and once: a replay is the same recharge, not a new one.
    if (!outcome.replayed) {
      this.events?.publish({
        type: 'recharge-confirmed',
        userId: actor.id,
        cardId,
        amountCents,
        balanceCents: outcome.result.balanceCents,
      });
    }
    return outcome;
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
    return this.observed('debit', async () => {
      const key = parseIdempotencyKey(idempotencyKey);
      if (!Number.isSafeInteger(amountCents) || amountCents < 1) {
        throw validationError([
          { field: 'amountCents', message: 'O valor deve ser um número inteiro de centavos maior que zero.' },
        ]);
      }
      if (!isUuid(cardId)) throw new DomainError('not-found', CARD_NOT_FOUND);
      return this.idempotency.run(
        { userId: actor.id, route: 'POST /v1/cards/{id}/debits', key, request: { cardId, amountCents } },
        (em) => this.applyChange(em, actor, cardId, 'debit', amountCents, key),
      );
    });
  }

  /** Runs one recharge or debit in its own span and counts its outcome (`ok`, `replayed` or the error code). */
  private observed(
    operation: 'recharge' | 'debit',
    run: () => Promise<IdempotentResult<BalanceChange>>,
  ): Promise<IdempotentResult<BalanceChange>> {
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

  /** The card's ledger, newest first, keyset-paginated, optionally filtered by entry type and date range. */
  async history(actor: Actor, cardId: string, filter: HistoryFilter, page: PageRequest): Promise<Page<LedgerEntry>> {
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
    if (!isUuid(cardId)) throw new DomainError('not-found', CARD_NOT_FOUND);

    // One round trip: the card row decides 404 (not the caller's), the lateral join brings the page.
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (filter.type) {
      conditions.push('e.type = ?');
      params.push(filter.type);
    }
    if (bounds.from) {
      conditions.push('e.created_at >= ?::timestamptz');
      params.push(bounds.from.toISOString());
    }
    if (bounds.to) {
      conditions.push('e.created_at <= ?::timestamptz');
      params.push(bounds.to.toISOString());
    }
    if (page.cursor) {
      conditions.push('e.seq < (select k.seq from card_ledger k where k.id = ? and k.card_id = c.id)');
      params.push(page.cursor);
    }
    const rows = await this.em.execute<Row[]>(
      `select c.id as owner_card, l.*
         from transport_cards c
         left join lateral (
           select ${LEDGER_COLUMNS} from card_ledger e
            where e.card_id = c.id ${conditions.map((c) => `and ${c}`).join(' ')}
            order by e.seq desc
            limit ?
         ) l on true
        where c.id = ? and c.user_id = ?`,
      [...params, page.limit + 1, cardId, actor.id],
    );
    if (rows.length === 0) throw new DomainError('not-found', CARD_NOT_FOUND);
    const entries = rows.filter((row) => row.id !== null).map(toEntry);
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
    const key = idempotencyKey === undefined ? undefined : parseIdempotencyKey(idempotencyKey);
    if (!(BLOCK_REASONS as readonly string[]).includes(reason)) {
      throw validationError([{ field: 'reason', message: `Motivo inválido; use um de: ${BLOCK_REASONS.join(', ')}.` }]);
    }
    if (!isUuid(cardId)) throw new DomainError('not-found', CARD_NOT_FOUND);
    const effect = (em: EntityManager) => this.applyBlock(em, actor, cardId, reason as BlockReason, info);
    const outcome =
      key === undefined
        ? { result: await this.em.transactional(effect), replayed: false }
        : await this.idempotency.run(
            { userId: actor.id, route: 'POST /v1/cards/{id}/block', key, request: { cardId, reason } },
            effect,
          );
    if (!outcome.replayed)
      this.events?.publish({ type: 'card-blocked', userId: actor.id, cardId, protocol: outcome.result.protocol });
    return outcome;
  }

  /**
   * Replaces a blocked card: a new active card receives the whole balance and the old one is cancelled at zero, with a
   * `transfer_out` entry on the old card and a `transfer_in` on the new one, in one transaction. Only a blocked card can
   * be replaced (`card-not-blocked`), and only once (`card-already-replaced`).
   */
  async replace(actor: Actor, cardId: string, info: RequestInfo): Promise<CardSummary> {
    if (!isUuid(cardId)) throw new DomainError('not-found', CARD_NOT_FOUND);
    return this.em.transactional(async (em) => {
      // The row lock makes a concurrent second replacement wait and then see `cancelled`. A blocked card's balance
      // cannot change (recharges and debits require `active`), so the value read under the lock is the one moved.
      const locked = await em.execute<Row[]>(
        `select ${CARD_COLUMNS}, ledger_seq from transport_cards where id = ? and user_id = ? for update`,
        [cardId, actor.id],
      );
      const old = locked[0];
      if (!old) throw new DomainError('not-found', CARD_NOT_FOUND);
      const oldCard = toCard(old);
      if (oldCard.status === 'active') {
        throw new DomainError('card-not-blocked', `Bloqueie o cartão ${oldCard.maskedNumber} antes de pedir a segunda via.`);
      }
      if (oldCard.status === 'cancelled') {
        throw new DomainError(
          'card-already-replaced',
          `O cartão ${oldCard.maskedNumber} já foi substituído por uma segunda via.`,
        );
      }
      const moved = oldCard.balanceCents;
      const fresh = await this.insertCard(em, actor.id, moved);
      const freshCard = toCard(fresh);
      const cancelled = await em.execute<Row[]>(
        `update transport_cards
            set status = 'cancelled', balance_cents = 0, replaced_by_card_id = ?, updated_at = now(),
                ledger_seq = ledger_seq + ?
          where id = ? and status = 'blocked' and balance_cents = ?
          returning ledger_seq`,
        [freshCard.id, moved > 0 ? 1 : 0, cardId, moved],
      );
      if (!cancelled[0]) throw new Error(`card ${cardId} changed under its row lock`);
      if (moved > 0) {
        await em.execute(
          `insert into card_ledger (id, card_id, seq, type, amount_cents, balance_after_cents, description, counterpart_card_id)
           values (?, ?, ?, 'transfer_out', ?, 0, ?, ?), (?, ?, 1, 'transfer_in', ?, ?, ?, ?)`,
          [
            newId(),
            cardId,
            Number(cancelled[0].ledger_seq),
            moved,
            `Saldo transferido para a segunda via ${freshCard.maskedNumber}`,
            freshCard.id,
            newId(),
            freshCard.id,
            moved,
            moved,
            `Saldo recebido do cartão ${oldCard.maskedNumber}`,
            cardId,
          ],
        );
      }
      await this.audit.record(em, 'card_replaced', info, {
        actorId: actor.id,
        subjectId: cardId,
        details: { newCardId: freshCard.id, movedCents: moved },
      });
      return freshCard;
    });
  }

  /**
   * Inserts a card with a fresh number. A savepoint per attempt so a (very unlikely) number collision does not abort the
   * surrounding transaction. A non-zero opening balance is a replacement's; its transfer_in entry is seq 1.
   */
  private async insertCard(em: EntityManager, userId: string, balanceCents: number): Promise<Row> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await em.transactional(async (tem) => {
          const rows = await tem.execute<Row[]>(
            `insert into transport_cards (id, user_id, number, status, balance_cents, ledger_seq)
             values (?, ?, ?, 'active', ?, ?)
             returning ${CARD_COLUMNS}`,
            [newId(), userId, generateCardNumber(), balanceCents, balanceCents > 0 ? 1 : 0],
          );
          return rows[0];
        });
      } catch (error) {
        if (!(error instanceof UniqueConstraintViolationException) || attempt >= 5) throw error;
      }
    }
  }

  /**
   * The atomic balance change: one statement updates the card only if it is the caller's, active, and the result stays
   * within [0, cap], and inserts the ledger entry with the resulting balance. When nothing was updated, a read says why.
   */
  private async applyChange(
    em: EntityManager,
    actor: Actor,
    cardId: string,
    type: 'recharge' | 'debit',
    amountCents: number,
    idempotencyKey: string,
  ): Promise<BalanceChange> {
    const recharge = type === 'recharge';
    const description = recharge ? 'Recarga' : 'Passagem';
    const rows = await em.execute<Row[]>(
      `with c as (
         update transport_cards
            set balance_cents = balance_cents ${recharge ? '+' : '-'} ?, ledger_seq = ledger_seq + 1, updated_at = now()
          where id = ? and user_id = ? and status = 'active'
            and ${recharge ? 'balance_cents + ? <= ?' : 'balance_cents >= ?'}
          returning id, balance_cents, ledger_seq
       )
       insert into card_ledger (id, card_id, seq, type, amount_cents, balance_after_cents, idempotency_key, description)
       select ?::uuid, c.id, c.ledger_seq, ?::varchar, ?::bigint, c.balance_cents, ?::varchar, ?::varchar from c
       returning ${LEDGER_COLUMNS}`,
      [
        amountCents,
        cardId,
        actor.id,
        ...(recharge ? [amountCents, this.config.balanceCapCents] : [amountCents]),
        newId(),
        type,
        amountCents,
        idempotencyKey,
        description,
      ],
    );
    if (rows[0]) {
      const transaction = toEntry(rows[0]);
      return { transaction, balanceCents: transaction.balanceAfterCents };
    }
    throw await this.refusal(em, actor, cardId, type, amountCents);
  }

  /** Why a conditional balance change matched no row: not the caller's card, not active, or the amount does not fit. */
  private async refusal(
    em: EntityManager,
    actor: Actor,
    cardId: string,
    type: 'recharge' | 'debit',
    amountCents: number,
  ): Promise<DomainError> {
    const rows = await em.execute<Row[]>(`select ${CARD_COLUMNS} from transport_cards where id = ? and user_id = ?`, [
      cardId,
      actor.id,
    ]);
    if (!rows[0]) return new DomainError('not-found', CARD_NOT_FOUND);
    const card = toCard(rows[0]);
    if (card.status !== 'active') {
      const state = card.status === 'blocked' ? 'está bloqueado' : 'está cancelado';
      return new DomainError('card-not-active', `O cartão ${card.maskedNumber} ${state} e não aceita recargas nem passagens.`);
    }
    if (type === 'recharge') {
      return new DomainError(
        'balance-limit',
        `A recarga de ${formatBrl(amountCents)} deixaria o saldo acima do limite de ` +
          `${formatBrl(this.config.balanceCapCents)} (saldo atual: ${formatBrl(card.balanceCents)}).`,
      );
    }
    return new DomainError(
      'insufficient-funds',
      `Saldo insuficiente: o cartão ${card.maskedNumber} tem ${formatBrl(card.balanceCents)} e a passagem custa ${formatBrl(amountCents)}.`,
    );
  }

  /**
   * Counted after the recharge's UPDATE, which holds the card's row lock: every earlier recharge of this card has
   * committed by then and this statement's snapshot sees it, so concurrent recharges cannot pass the limit. Over the
   * limit, throwing rolls the recharge back.
   */
  private async checkVelocity(em: EntityManager, cardId: string): Promise<void> {
    const { rechargeVelocityLimit, rechargeVelocityWindowSeconds } = this.config;
    const rows = await em.execute<{ n: number; wait: number | string | null }[]>(
      `select count(*)::int as n,
              extract(epoch from (min(created_at) + make_interval(secs => ?) - now()))::float8 as wait
         from card_ledger
        where card_id = ? and type = 'recharge' and created_at > now() - make_interval(secs => ?)`,
      [rechargeVelocityWindowSeconds, cardId, rechargeVelocityWindowSeconds],
    );
    if (rows[0].n <= rechargeVelocityLimit) return;
    const minutes = Math.round(rechargeVelocityWindowSeconds / 60);
    throw new DomainError(
      'velocity-limit',
      `Este cartão já recebeu ${rechargeVelocityLimit} recargas ${minutes === 60 ? 'na última hora' : `nos últimos ${minutes} minutos`}. ` +
        'Aguarde um pouco e tente novamente.',
      { retryAfterSeconds: Math.max(1, Math.ceil(Number(rows[0].wait ?? 1))) },
    );
  }

  private async applyBlock(
    em: EntityManager,
    actor: Actor,
    cardId: string,
    reason: BlockReason,
    info: RequestInfo,
  ): Promise<CardBlock> {
    const updated = await em.execute<Row[]>(
      `update transport_cards set status = 'blocked', updated_at = now()
        where id = ? and user_id = ? and status = 'active'
        returning ${CARD_COLUMNS}`,
      [cardId, actor.id],
    );
    if (!updated[0]) {
      const rows = await em.execute<Row[]>(`select ${CARD_COLUMNS} from transport_cards where id = ? and user_id = ?`, [
        cardId,
        actor.id,
      ]);
      if (!rows[0]) throw new DomainError('not-found', CARD_NOT_FOUND);
      const card = toCard(rows[0]);
      const state = card.status === 'blocked' ? 'já está bloqueado' : 'está cancelado';
      throw new DomainError('card-not-active', `O cartão ${card.maskedNumber} ${state}.`);
    }
    const card = toCard(updated[0]);
    // lpad to at least 6 digits without ever truncating a longer sequence value.
    const inserted = await em.execute<{ protocol: string }[]>(
      `insert into card_blocks (id, card_id, user_id, protocol, reason)
       select ?::uuid, ?::uuid, ?::uuid, ?::text || '-' || lpad(s.n::text, greatest(6, length(s.n::text)), '0'), ?::varchar
         from (select nextval('card_block_protocol_seq') as n) s
       returning protocol`,
      [newId(), cardId, actor.id, protocolYear(new Date()), reason],
    );
    const protocol = inserted[0].protocol;
    await this.audit.record(em, 'card_blocked', info, {
      actorId: actor.id,
      subjectId: cardId,
      details: { reason, protocol },
    });
    return { card, protocol };
  }
}
