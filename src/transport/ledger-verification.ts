import type { EntityManager } from '../db/orm';

/** One broken invariant of one card (or of one transfer). */
export interface LedgerViolation {
  cardId: string;
  rule: 'balance-mismatch' | 'chain-broken' | 'sequence-gap' | 'sequence-count' | 'negative-balance' | 'transfer-unmatched';
  detail: string;
}

export interface LedgerReport {
  cardsChecked: number;
  entriesChecked: number;
  violations: LedgerViolation[];
}

/** The closing line of `npm run ledger:verify`: what was checked and whether every invariant holds. */
export function summariseLedgerReport(report: LedgerReport): string {
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const outcome =
    report.violations.length === 0 ? 'all invariants hold' : count(report.violations.length, 'violation', 'violations');
  return `Checked ${count(report.cardsChecked, 'card', 'cards')} and ${count(report.entriesChecked, 'ledger entry', 'ledger entries')}: ${outcome}.`;
}

/** Credits add to a card, debits take from it. */
const SIGNED_AMOUNT = `case when l.type in ('recharge', 'transfer_in') then l.amount_cents else -l.amount_cents end`;

type Row = Record<string, unknown>;

/**
 * Checks every card against its ledger (TigerBeetle-style invariants), entirely in SQL so it scales with the ledger:
 * - the card's balance equals the sum of its credits minus the sum of its debits;
 * - entries form a chain in `seq` order: seq is 1..n with no gaps, each entry's `balanceAfterCents` is the previous
 *   one's plus its signed amount (the first starts from zero), and the card's `ledger_seq` is n;
 * - no balance (card or after any entry) is negative;
 * - every transfer_out has the matching transfer_in on its counterpart card, and vice versa.
 * Runs in one read-only REPEATABLE READ transaction, so concurrent writes cannot produce false alarms.
 */
export async function verifyLedger(em: EntityManager): Promise<LedgerReport> {
  return em.transactional(
    async (tem) => {
      const violations: LedgerViolation[] = [];
      const totals = await tem.execute<Row[]>(
        `select (select count(*) from transport_cards)::float8 as cards, (select count(*) from card_ledger)::float8 as entries`,
      );

      const balances = await tem.execute<Row[]>(
        `select c.id, c.balance_cents::text as balance, coalesce(sum(${SIGNED_AMOUNT}), 0)::text as computed,
                c.ledger_seq::text as ledger_seq, count(l.id)::text as entries
           from transport_cards c left join card_ledger l on l.card_id = c.id
          group by c.id
         having c.balance_cents <> coalesce(sum(${SIGNED_AMOUNT}), 0) or c.balance_cents < 0 or c.ledger_seq <> count(l.id)`,
      );
      for (const row of balances) {
        const cardId = String(row.id);
        if (row.balance !== row.computed) {
          violations.push({
            cardId,
            rule: 'balance-mismatch',
            detail: `balance ${String(row.balance)} but credits - debits = ${String(row.computed)}`,
          });
        }
        if (BigInt(String(row.balance)) < 0n) {
          violations.push({ cardId, rule: 'negative-balance', detail: `balance ${String(row.balance)}` });
        }
        if (row.ledger_seq !== row.entries) {
          violations.push({
            cardId,
            rule: 'sequence-count',
            detail: `card ledger_seq ${String(row.ledger_seq)} but ${String(row.entries)} entries`,
          });
        }
      }

      const chain = await tem.execute<Row[]>(
        `select card_id, id, seq::text as seq, position::text as position, balance_after::text as balance_after,
                expected::text as expected
           from (select l.card_id, l.id, l.seq, l.balance_after_cents as balance_after,
                        row_number() over w as position,
                        sum(${SIGNED_AMOUNT}) over w as expected
                   from card_ledger l
                 window w as (partition by l.card_id order by l.seq rows between unbounded preceding and current row)) x
          where seq <> position or balance_after <> expected or balance_after < 0
          order by card_id, seq
          limit 1000`,
      );
      for (const row of chain) {
        const cardId = String(row.card_id);
        if (row.seq !== row.position) {
          violations.push({
            cardId,
            rule: 'sequence-gap',
            detail: `entry ${String(row.id)} has seq ${String(row.seq)} at position ${String(row.position)}`,
          });
        }
        if (row.balance_after !== row.expected) {
          violations.push({
            cardId,
            rule: 'chain-broken',
            detail: `entry ${String(row.id)} (seq ${String(row.seq)}) says balance after ${String(row.balance_after)}, the entries before it give ${String(row.expected)}`,
          });
        }
        if (BigInt(String(row.balance_after)) < 0n) {
          violations.push({
            cardId,
            rule: 'negative-balance',
            detail: `entry ${String(row.id)} leaves ${String(row.balance_after)}`,
          });
        }
      }

      const transfers = await tem.execute<Row[]>(
        `select l.card_id, l.id, l.type
           from card_ledger l
          where l.type in ('transfer_in', 'transfer_out')
            and not exists (
              select 1 from card_ledger m
               where m.card_id = l.counterpart_card_id and m.counterpart_card_id = l.card_id
                 and m.amount_cents = l.amount_cents
                 and m.type = case when l.type = 'transfer_in' then 'transfer_out' else 'transfer_in' end)
          limit 1000`,
      );
      for (const row of transfers) {
        violations.push({
          cardId: String(row.card_id),
          rule: 'transfer-unmatched',
          detail: `${String(row.type)} ${String(row.id)} has no matching entry on its counterpart card`,
        });
      }

      return { cardsChecked: Number(totals[0].cards), entriesChecked: Number(totals[0].entries), violations };
    },
    { isolationLevel: 'repeatable read', readOnly: true },
  );
}
