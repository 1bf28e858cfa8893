import { prepared, type PreparedStatement } from '../db/prepared';
import { Repository, isUniqueViolation, isoOf, type Row, type Tx } from '../db/repository';
import { BatchedRead } from '../db/batched-read';
import { isUuid, newId } from '../shared/ids';
import { generateCardNumber, maskCardNumber } from './card-number';
import type { BlockReason, CardExport, CardStatus, CardSummary, LedgerEntry, LedgerEntryType } from './card';
import { STORED_KEY_COLUMNS, toStoredKey, type KeyScope, type StoredKey } from './idempotency.repository';

const CARD_COLUMNS = `id, number, status, balance_cents, replaced_by_card_id, created_at, updated_at`;
const LEDGER_COLUMNS = `id, card_id, type, amount_cents, balance_after_cents, description, idempotency_key, counterpart_card_id, created_at`;

// The card reads every client polls (listing, one card): prepared once per connection (src/db/prepared.ts).
const CARDS_FIRST = prepared('cards_first', `select ${CARD_COLUMNS} from transport_cards where user_id = ? order by id limit ?`);
// The first page of several owners at once (see `listOwned`): `i` is each owner's place among them.
const CARDS_FIRST_MANY = prepared(
  'cards_first_many',
  `select k.i, c.* from jsonb_to_recordset(?::jsonb) as k(i int, owner uuid, lim int)
     cross join lateral (select ${CARD_COLUMNS} from transport_cards where user_id = k.owner order by id limit k.lim) c
    order by k.i, c.id`,
);
const CARDS_AFTER = prepared(
  'cards_after',
  `select ${CARD_COLUMNS} from transport_cards where user_id = ? and id > ? order by id limit ?`,
);
const CARD_OF_OWNER = prepared('card_of_owner', `select ${CARD_COLUMNS} from transport_cards where id = ? and user_id = ?`);
const CARD_BY_ID = prepared('card_by_id', `select ${CARD_COLUMNS} from transport_cards where id = ?`);

/**
 * A ledger entry as JSON, exactly as `toEntry` maps the row (`created_at` has millisecond precision, so the ISO text is
 * the one `Date#toISOString` gives): the money path stores it as the idempotent outcome in the same statement.
 */
const ENTRY_JSON = `jsonb_build_object(
  'id', l.id, 'cardId', l.card_id, 'type', l.type, 'amountCents', l.amount_cents,
  'balanceAfterCents', l.balance_after_cents, 'description', l.description, 'idempotencyKey', l.idempotency_key,
  'counterpartCardId', l.counterpart_card_id,
  'createdAt', to_char(l.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;

/**
 * The recharge's notification event (DomainEvent 'recharge-confirmed'), written to the transactional outbox by the
 * money path's own statement: same transaction, no extra round trip. Keyed by the ledger entry, so it is one event
 * per recharge; a replayed request writes no ledger entry and so no event. Addressed to the card's owner (`c.user_id`),
 * not to the caller: the simulated recharge is an admin's, on anyone's card. Kept in step with
 * src/shared/domain-events.ts.
 */
const RECHARGE_OUTBOX_CTE = `
     o as (
       insert into outbox_events (type, key, user_id, payload)
       select 'recharge-confirmed', 'recharge-confirmed:' || l.id, c.user_id,
              jsonb_build_object('type', 'recharge-confirmed', 'userId', c.user_id, 'cardId', c.id,
                'maskedNumber', '•••• ' || right(c.number, 4), 'amountCents', l.amount_cents,
                'balanceCents', l.balance_after_cents)
         from l, c
     ),`;

/**
 * The low-balance alert (DomainEvent 'low-balance'), written to the outbox by the debit's own statement when its
 * `crossing` step found the threshold crossed: same transaction, no extra round trip. Keyed by the debit's ledger entry,
 * so one event per crossing debit; a replayed debit writes no ledger entry, so no crossing and no event.
 */
const LOW_BALANCE_OUTBOX_CTE = `,
     o as (
       insert into outbox_events (type, key, user_id, payload)
       select 'low-balance', 'low-balance:' || l.id, c.user_id,
              jsonb_build_object('type', 'low-balance', 'userId', c.user_id, 'cardId', c.id,
                'maskedNumber', '•••• ' || right(c.number, 4), 'balanceCents', l.balance_after_cents,
                'thresholdCents', x.threshold)
         from crossing x, l, c
       returning id
     )`;

/**
 * The money path: one statement that looks the idempotency key up, changes the balance only if the key is new, the card
 * is the owner's, active, and the amount fits (and, for a recharge, the velocity limit allows it), appends the ledger
 * entry with the resulting balance, and stores the completed key with its outcome. It spans the card, ledger and
 * idempotency tables on purpose: run alone (autocommit) it is one round trip and one atomic transaction.
 *
 * The velocity count and `ledger_seq` are read in the statement's snapshot (`snap`). If another change of the card
 * committed after that snapshot, the UPDATE re-checks the newer row version and its `ledger_seq` no longer matches, so
 * nothing happens and the caller tries again: a count that missed a concurrent recharge never decides anything.
 * A concurrent request with the same key that committed first makes this statement's key INSERT fail (unique
 * violation), which undoes the whole statement.
 *
 * A debit also decides, in the same statement, whether it crossed the citizen's low-balance threshold: the balance
 * before it (the balance after plus the amount, both of the row version it updated) was at least the threshold and the
 * balance after is below it. Concurrent debits of a card update its row one after the other, each on the version the
 * previous one left, so exactly one of them crosses; a recharge back above the threshold re-arms the alert. The
 * crossing's event is written to the outbox by the same statement (LOW_BALANCE_OUTBOX_CTE), as a recharge's is.
 */
function balanceChangeSql(type: 'recharge' | 'debit'): string {
  const recharge = type === 'recharge';
  return `with existing as materialized (
       select ${STORED_KEY_COLUMNS} from idempotency_keys where user_id = ?::uuid and route = ?::text and key = ?::text
     ),
     ${
       recharge
         ? `snap as materialized (
       select c.ledger_seq,
              (select count(*) from (select 1 from card_ledger r
                 where r.card_id = c.id and r.type = 'recharge' and r.created_at > now() - make_interval(secs => ?::int)
                 limit ?::bigint) w) as recent
         from transport_cards c where c.id = ?::uuid
     ),`
         : ''
     }
     c as (
       update transport_cards
          set balance_cents = balance_cents ${recharge ? '+' : '-'} ?::bigint, ledger_seq = ledger_seq + 1, updated_at = now()
        where id = ?::uuid and user_id = coalesce(?::uuid, user_id) and status = 'active'
          and ${recharge ? 'balance_cents + ?::bigint <= ?::bigint' : 'balance_cents >= ?::bigint'}
          ${recharge ? 'and ledger_seq = (select ledger_seq from snap) and (select recent from snap) < ?::bigint' : ''}
          and not exists (select 1 from existing)
        returning id, user_id, number, balance_cents, ledger_seq
     ),
     l as (
       insert into card_ledger (id, card_id, seq, type, amount_cents, balance_after_cents, idempotency_key, description)
       select ?::uuid, c.id, c.ledger_seq, '${type}', ?::bigint, c.balance_cents, ?::varchar, ?::varchar from c
       returning ${LEDGER_COLUMNS}
     ),${recharge ? RECHARGE_OUTBOX_CTE : ''}
     k as (
       insert into idempotency_keys (id, user_id, route, key, fingerprint, state, claim_token, locked_until, outcome, completed_at)
       select ?::uuid, ?::uuid, ?::text, ?::text, ?::text, 'completed', ?::uuid, now(),
              jsonb_build_object('ok', true, 'result',
                jsonb_build_object('transaction', ${ENTRY_JSON}, 'balanceCents', l.balance_after_cents)),
              now()
         from l
       returning outcome
     )${
       recharge
         ? ''
         : `,
     crossing as (
       select p.low_balance_threshold_cents as threshold, c.user_id
         from l join c on c.id = l.card_id join notification_preferences p on p.user_id = c.user_id
        where l.balance_after_cents < p.low_balance_threshold_cents
          and l.balance_after_cents + l.amount_cents >= p.low_balance_threshold_cents
     )${LOW_BALANCE_OUTBOX_CTE}`
     }
     select 'applied' as kind, null::text as id, null::text as fingerprint, null::text as state, k.outcome, null::boolean as expired,
            ${recharge ? 'true' : 'exists (select 1 from o)'} as announced
       from k
     union all
     select 'existing', e.id::text, e.fingerprint::text, e.state::text, e.outcome, e.expired, false from existing e`;
}

const RECHARGE = prepared('card_recharge', balanceChangeSql('recharge'));
const DEBIT = prepared('card_debit', balanceChangeSql('debit'));

/** What the money path's statement is asked to do. */
export interface BalanceStatement {
  type: 'recharge' | 'debit';
  cardId: string;
  /** The owner filter (`null`: any owner), from the card's access rule. */
  ownerId: string | null;
  amountCents: number;
  description: string;
  /** The idempotency key's scope (the citizen who asked) and the request's fingerprint. */
  scope: KeyScope;
  fingerprint: string;
  /** Recharges only: the balance cap and the velocity limit. */
  balanceCapCents: number;
  velocityLimit: number;
  velocityWindowSeconds: number;
}

/**
 * The money path's statement and its values for one change: what `changeBalance` runs (exported so the benchmark's
 * write ceiling issues exactly the same statement through `pg`).
 */
export function balanceChangeQuery(change: BalanceStatement): { statement: PreparedStatement; values: unknown[] } {
  const recharge = change.type === 'recharge';
  const { scope } = change;
  return {
    statement: recharge ? RECHARGE : DEBIT,
    values: [
      scope.userId,
      scope.operation,
      scope.key,
      ...(recharge ? [change.velocityWindowSeconds, change.velocityLimit, change.cardId] : []),
      change.amountCents,
      change.cardId,
      change.ownerId,
      ...(recharge ? [change.amountCents, change.balanceCapCents, change.velocityLimit] : [change.amountCents]),
      newId(),
      change.amountCents,
      scope.key,
      change.description,
      newId(),
      scope.userId,
      scope.operation,
      scope.key,
      change.fingerprint,
      newId(),
    ],
  };
}

/**
 * What the money path's statement did: `applied` (the change is committed, with its stored outcome), `existing` (the
 * key was there: nothing changed), or `unchanged` (the card refused, or changed concurrently: nothing changed).
 */
export type BalanceStatementResult =
  | {
      kind: 'applied';
      outcome: unknown;
      /**
       * The statement wrote a notification event to the outbox (every recharge; a debit that took the balance below
       * the owner's low-balance threshold): the caller wakes the dispatcher after the commit.
       */
      announced: boolean;
    }
  | { kind: 'existing'; key: StoredKey }
  | { kind: 'unchanged' };

/** A card as a refused balance change finds it, with its recharges inside the velocity window. */
export interface BalanceState {
  card: CardSummary;
  recentRecharges: number;
  /** Seconds until the oldest recharge in the window leaves it (null when there is none). */
  secondsUntilWindowFrees: number | null;
}

/** The raw findings of the ledger verification (see ledger-verification.ts), in one consistent snapshot. */
export interface LedgerFindings {
  cards: number;
  entries: number;
  balances: Array<{ cardId: string; balance: string; computed: string; ledgerSeq: string; entries: string }>;
  chain: Array<{ cardId: string; id: string; seq: string; position: string; balanceAfter: string; expected: string }>;
  transfers: Array<{ cardId: string; id: string; type: string }>;
}

/** The history's filters once parsed: an entry type and instants. */
export interface HistoryQuery {
  type?: LedgerEntryType;
  from?: Date;
  to?: Date;
  /** The id of the last entry of the previous page. */
  cursor?: string;
  limit: number;
}

function toCard(row: Row): CardSummary {
  const number = String(row.number);
  return {
    id: String(row.id),
    number,
    maskedNumber: maskCardNumber(number),
    status: row.status as CardStatus,
    balanceCents: Number(row.balance_cents),
    replacedByCardId: (row.replaced_by_card_id as string | null) ?? null,
    createdAt: isoOf(row.created_at),
    updatedAt: isoOf(row.updated_at),
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
    createdAt: isoOf(row.created_at),
  };
}

/** Credits add to a card, debits take from it. */
const SIGNED_AMOUNT = `case when l.type in ('recharge', 'transfer_in') then l.amount_cents else -l.amount_cents end`;

/**
 * Transport cards, their ledger (`card_ledger`, append-only) and their block records: every statement of the transport
 * module except the idempotency keys' own (IdempotencyRepository). Owner filters come from the card's access rule
 * (`ownerId`; null means any owner).
 */
export class CardsRepository extends Repository {
  /** The owner's cards (every status), oldest first, `limit` of them after `cursor` (an id). */
  async listOwned(ownerId: string, limit: number, cursor?: string): Promise<CardSummary[]> {
    if (cursor) return (await this.prepared(CARDS_AFTER, [ownerId, cursor, limit])).map(toCard);
    // An owner id that is no UUID fails its own statement, never a batch of other owners' listings.
    if (!isUuid(ownerId)) return (await this.prepared(CARDS_FIRST, [ownerId, limit])).map(toCard);
    return this.firstPages.get({ ownerId, limit });
  }

  /**
   * First pages asked for in the same turn of the event loop (every balance question of the bot, every card listing of
   * the API) are read in one statement (src/db/batched-read.ts).
   */
  private readonly firstPages = new BatchedRead<{ ownerId: string; limit: number }, CardSummary[]>(
    async ({ ownerId, limit }) => (await this.prepared(CARDS_FIRST, [ownerId, limit])).map(toCard),
    async (keys) => {
      const rows = await this.prepared<Row & { i: number }>(CARDS_FIRST_MANY, [
        JSON.stringify(keys.map((key, i) => ({ i, owner: key.ownerId, lim: key.limit }))),
      ]);
      const pages: CardSummary[][] = keys.map(() => []);
      for (const row of rows) pages[Number(row.i)].push(toCard(row));
      return pages;
    },
  );

  /** One card, if it exists and (with `ownerId`) is that owner's. */
  async find(cardId: string, ownerId: string | null): Promise<CardSummary | null> {
    const rows =
      ownerId === null ? await this.prepared(CARD_BY_ID, [cardId]) : await this.prepared(CARD_OF_OWNER, [cardId, ownerId]);
    return rows[0] ? toCard(rows[0]) : null;
  }

  /**
   * Locks the citizen's account row (if active) against a concurrent card request, so a count of their cards taken
   * next holds until the transaction ends. False when there is no active account.
   */
  async lockActiveOwner(tx: Tx, userId: string): Promise<boolean> {
    const row = await this.row(`select id from users where id = ? and status = 'active' for no key update`, [userId], tx);
    return row !== null;
  }

  /** How many of the citizen's cards are not cancelled (active or blocked). */
  async countNotCancelled(tx: Tx, userId: string): Promise<number> {
    const row = await this.row<{ n: number }>(
      `select count(*)::int as n from transport_cards where user_id = ? and status <> 'cancelled'`,
      [userId],
      tx,
    );
    return Number(row?.n ?? 0);
  }

  /**
   * Inserts an active card with a fresh number. A savepoint per attempt so a (very unlikely) number collision does not
   * abort the caller's transaction. A non-zero opening balance is a replacement's; its transfer_in entry is seq 1.
   */
  async insert(tx: Tx, userId: string, balanceCents: number): Promise<CardSummary> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await tx.transactional(async (savepoint) => {
          const row = await this.row(
            `insert into transport_cards (id, user_id, number, status, balance_cents, ledger_seq)
             values (?, ?, ?, 'active', ?, ?)
             returning ${CARD_COLUMNS}`,
            [newId(), userId, generateCardNumber(), balanceCents, balanceCents > 0 ? 1 : 0],
            savepoint,
          );
          return toCard(row!);
        });
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 5) throw error;
      }
    }
  }

  /**
   * One page of a card's ledger, newest first, in one round trip: the card row decides whether it exists for this
   * owner (null when not), the lateral join brings `limit` entries.
   */
  async historyPage(cardId: string, ownerId: string | null, query: HistoryQuery): Promise<LedgerEntry[] | null> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (query.type) {
      conditions.push('e.type = ?');
      params.push(query.type);
    }
    if (query.from) {
      conditions.push('e.created_at >= ?::timestamptz');
      params.push(query.from.toISOString());
    }
    if (query.to) {
      conditions.push('e.created_at <= ?::timestamptz');
      params.push(query.to.toISOString());
    }
    if (query.cursor) {
      conditions.push('e.seq < (select k.seq from card_ledger k where k.id = ? and k.card_id = c.id)');
      params.push(query.cursor);
    }
    const rows = await this.rows(
      `select c.id as owner_card, l.*
         from transport_cards c
         left join lateral (
           select ${LEDGER_COLUMNS} from card_ledger e
            where e.card_id = c.id ${conditions.map((c) => `and ${c}`).join(' ')}
            order by e.seq desc
            limit ?
         ) l on true
        where c.id = ? and c.user_id = coalesce(?::uuid, c.user_id)`,
      [...params, query.limit, cardId, ownerId],
    );
    if (rows.length === 0) return null;
    return rows.filter((row) => row.id !== null).map(toEntry);
  }

  /** Every card of the citizen with its block record and full ledger, oldest first (the data export). */
  async exportOf(tx: Tx, userId: string): Promise<CardExport[]> {
    const cards = await this.rows(`select ${CARD_COLUMNS} from transport_cards where user_id = ? order by id`, [userId], tx);
    const entries = await this.rows(
      `select ${LEDGER_COLUMNS.split(', ')
        .map((c) => `l.${c}`)
        .join(', ')}
         from card_ledger l join transport_cards c on c.id = l.card_id
        where c.user_id = ? order by l.card_id, l.seq`,
      [userId],
      tx,
    );
    const blocks = await this.rows(
      'select card_id, protocol, reason, created_at from card_blocks where user_id = ? order by created_at',
      [userId],
      tx,
    );
    return cards.map((row) => {
      const card = toCard(row);
      const block = blocks.find((b) => b.card_id === card.id);
      return {
        ...card,
        block: block
          ? { protocol: String(block.protocol), reason: String(block.reason), blockedAt: isoOf(block.created_at) }
          : null,
        transactions: entries.filter((e) => e.card_id === card.id).map(toEntry),
      };
    });
  }

  /** Locks the card row (if it is the owner's) until the transaction ends, and returns it. */
  async lockOwned(tx: Tx, cardId: string, ownerId: string | null): Promise<CardSummary | null> {
    const row = await this.row(
      `select ${CARD_COLUMNS} from transport_cards where id = ? and user_id = coalesce(?::uuid, user_id) for update`,
      [cardId, ownerId],
      tx,
    );
    return row ? toCard(row) : null;
  }

  /**
   * Cancels a blocked card whose balance moved to `replacementId`: zero balance, the link to the replacement, and one
   * more ledger sequence number when a transfer entry follows. Returns that sequence number, or null when the card is no
   * longer blocked with that balance.
   */
  async cancelReplaced(tx: Tx, cardId: string, replacementId: string, movedCents: number): Promise<number | null> {
    const row = await this.row(
      `update transport_cards
          set status = 'cancelled', balance_cents = 0, replaced_by_card_id = ?, updated_at = now(),
              ledger_seq = ledger_seq + ?
        where id = ? and status = 'blocked' and balance_cents = ?
        returning ledger_seq`,
      [replacementId, movedCents > 0 ? 1 : 0, cardId, movedCents],
      tx,
    );
    return row ? Number(row.ledger_seq) : null;
  }

  /** The two entries of a balance transfer: transfer_out on the old card (at `oldSeq`), transfer_in (seq 1) on the new. */
  async appendTransfer(
    tx: Tx,
    transfer: {
      fromCardId: string;
      fromSeq: number;
      toCardId: string;
      amountCents: number;
      outDescription: string;
      inDescription: string;
    },
  ): Promise<void> {
    const { fromCardId, fromSeq, toCardId, amountCents } = transfer;
    await this.run(
      `insert into card_ledger (id, card_id, seq, type, amount_cents, balance_after_cents, description, counterpart_card_id)
       values (?, ?, ?, 'transfer_out', ?, 0, ?, ?), (?, ?, 1, 'transfer_in', ?, ?, ?, ?)`,
      [
        newId(),
        fromCardId,
        fromSeq,
        amountCents,
        transfer.outDescription,
        toCardId,
        newId(),
        toCardId,
        amountCents,
        amountCents,
        transfer.inDescription,
        fromCardId,
      ],
      tx,
    );
  }

  /** Blocks the card if it is the owner's and active; returns it blocked, or null when nothing matched. */
  async blockActive(tx: Tx, cardId: string, ownerId: string | null): Promise<CardSummary | null> {
    const row = await this.row(
      `update transport_cards set status = 'blocked', updated_at = now()
        where id = ? and user_id = coalesce(?::uuid, user_id) and status = 'active'
        returning ${CARD_COLUMNS}`,
      [cardId, ownerId],
      tx,
    );
    return row ? toCard(row) : null;
  }

  /** A card read inside a transaction (no lock), if it is the owner's. */
  async findIn(tx: Tx, cardId: string, ownerId: string | null): Promise<CardSummary | null> {
    const row = await this.row(
      `select ${CARD_COLUMNS} from transport_cards where id = ? and user_id = coalesce(?::uuid, user_id)`,
      [cardId, ownerId],
      tx,
    );
    return row ? toCard(row) : null;
  }

  /**
   * Records a block with its protocol number `<year>-NNNNNN` from a database sequence (zero-padded to at least six
   * digits, never truncated); returns the protocol.
   */
  async recordBlock(tx: Tx, block: { cardId: string; userId: string; reason: BlockReason; year: string }): Promise<string> {
    const row = await this.row<{ protocol: string }>(
      `insert into card_blocks (id, card_id, user_id, protocol, reason)
       select ?::uuid, ?::uuid, ?::uuid, ?::text || '-' || lpad(s.n::text, greatest(6, length(s.n::text)), '0'), ?::varchar
         from (select nextval('card_block_protocol_seq') as n) s
       returning protocol`,
      [newId(), block.cardId, block.userId, block.year, block.reason],
      tx,
    );
    return String(row!.protocol);
  }

  /**
   * Runs the money path's single statement (see `balanceChangeSql`): on its own as a prepared statement (one round
   * trip, its own atomic transaction), or inside `tx` after the caller locked the card (`lockOwned`).
   * A concurrent request with the same key that committed first surfaces as `unchanged`: the caller runs it again and
   * then finds the key.
   */
  async changeBalance(change: BalanceStatement, tx?: Tx): Promise<BalanceStatementResult> {
    const { statement, values } = balanceChangeQuery(change);
    let rows: Row[];
    try {
      // Inside a transaction, under a savepoint: a lost key race must not abort the caller's transaction.
      rows = tx
        ? await tx.transactional((savepoint) => this.rows(statement.sql, values, savepoint))
        : await this.prepared(statement, values);
    } catch (error) {
      if (isUniqueViolation(error)) return { kind: 'unchanged' };
      throw error;
    }
    const row = rows[0];
    if (!row) return { kind: 'unchanged' };
    if (row.kind === 'applied') {
      return { kind: 'applied', outcome: row.outcome, announced: row.announced === true || row.announced === 't' };
    }
    return { kind: 'existing', key: toStoredKey(row) };
  }

  /** The card (if the owner's) with its recharges inside the velocity window: why a balance change matched nothing. */
  async balanceState(cardId: string, ownerId: string | null, windowSeconds: number): Promise<BalanceState | null> {
    const row = await this.row(
      `select ${CARD_COLUMNS.split(', ')
        .map((c) => `c.${c}`)
        .join(', ')}, w.n, w.wait
         from transport_cards c,
              lateral (select count(*)::int as n,
                              extract(epoch from (min(r.created_at) + make_interval(secs => ?) - now()))::float8 as wait
                         from card_ledger r
                        where r.card_id = c.id and r.type = 'recharge'
                          and r.created_at > now() - make_interval(secs => ?)) w
        where c.id = ? and c.user_id = coalesce(?::uuid, c.user_id)`,
      [windowSeconds, windowSeconds, cardId, ownerId],
    );
    if (!row) return null;
    return {
      card: toCard(row),
      recentRecharges: Number(row.n),
      secondsUntilWindowFrees: row.wait === null || row.wait === undefined ? null : Number(row.wait),
    };
  }

  /**
   * Everything the ledger verification needs, in ONE statement, hence one snapshot: concurrent writes cannot make the
   * parts disagree. Cards whose balance, sequence count or sign is off; entries that break their card's chain (at most
   * 1000); transfers without their counterpart entry (at most 1000).
   */
  async ledgerFindings(): Promise<LedgerFindings> {
    const rows = await this.rows<Record<string, string | null>>(
      `with balances as (
         select c.id, c.balance_cents::text as balance, coalesce(sum(${SIGNED_AMOUNT}), 0)::text as computed,
                c.ledger_seq::text as ledger_seq, count(l.id)::text as entries
           from transport_cards c left join card_ledger l on l.card_id = c.id
          group by c.id
         having c.balance_cents <> coalesce(sum(${SIGNED_AMOUNT}), 0) or c.balance_cents < 0 or c.ledger_seq <> count(l.id)
       ),
       chain as (
         select card_id, id, seq, position, balance_after, expected
           from (select l.card_id, l.id, l.seq, l.balance_after_cents as balance_after,
                        row_number() over w as position,
                        sum(${SIGNED_AMOUNT}) over w as expected
                   from card_ledger l
                 window w as (partition by l.card_id order by l.seq rows between unbounded preceding and current row)) x
          where seq <> position or balance_after <> expected or balance_after < 0
          order by card_id, seq
          limit 1000
       ),
       transfers as (
         select l.card_id, l.id, l.type
           from card_ledger l
          where l.type in ('transfer_in', 'transfer_out')
            and not exists (
              select 1 from card_ledger m
               where m.card_id = l.counterpart_card_id and m.counterpart_card_id = l.card_id
                 and m.amount_cents = l.amount_cents
                 and m.type = case when l.type = 'transfer_in' then 'transfer_out' else 'transfer_in' end)
          limit 1000
       )
       select 0 as part, null::text as card_id, (select count(*) from transport_cards)::text as a,
              (select count(*) from card_ledger)::text as b, null::text as c, null::text as d, null::text as e, 0::bigint as o
       union all
       select 1, id::text, balance, computed, ledger_seq, entries, null, 0 from balances
       union all
       select 2, card_id::text, id::text, seq::text, position::text, balance_after::text, expected::text, seq from chain
       union all
       select 3, card_id::text, id::text, type, null, null, null, 0 from transfers
       order by part, card_id, o`,
    );
    const findings: LedgerFindings = { cards: 0, entries: 0, balances: [], chain: [], transfers: [] };
    for (const row of rows) {
      const cardId = String(row.card_id);
      switch (Number(row.part)) {
        case 0:
          findings.cards = Number(row.a);
          findings.entries = Number(row.b);
          break;
        case 1:
          findings.balances.push({
            cardId,
            balance: String(row.a),
            computed: String(row.b),
            ledgerSeq: String(row.c),
            entries: String(row.d),
          });
          break;
        case 2:
          findings.chain.push({
            cardId,
            id: String(row.a),
            seq: String(row.b),
            position: String(row.c),
            balanceAfter: String(row.d),
            expected: String(row.e),
          });
          break;
        default:
          findings.transfers.push({ cardId, id: String(row.a), type: String(row.b) });
      }
    }
    return findings;
  }
}
