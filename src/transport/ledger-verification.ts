import type { EntityManager } from '../db/orm';
import { CardsRepository } from './cards.repository';
import { RechargeOrdersRepository } from '../payments/recharge-orders.repository';

/** One broken invariant of one card (or of one transfer). */
export interface LedgerViolation {
  cardId: string;
  rule:
    | 'balance-mismatch'
    | 'chain-broken'
    | 'sequence-gap'
    | 'sequence-count'
    | 'negative-balance'
    | 'transfer-unmatched'
    | 'pix-credit-without-order'
    | 'pix-order-without-credit'
    | 'pix-credit-mismatch';
  detail: string;
}

export interface LedgerReport {
  cardsChecked: number;
  entriesChecked: number;
  /** Ledger entries that credit a Pix payment, and paid recharge orders: each must match one of the other. */
  pixCreditsChecked: number;
  paidOrdersChecked: number;
  violations: LedgerViolation[];
}

/** The closing line of `npm run ledger:verify`: what was checked and whether every invariant holds. */
export function summariseLedgerReport(report: LedgerReport): string {
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const outcome =
    report.violations.length === 0 ? 'all invariants hold' : count(report.violations.length, 'violation', 'violations');
  return (
    `Checked ${count(report.cardsChecked, 'card', 'cards')}, ${count(report.entriesChecked, 'ledger entry', 'ledger entries')}` +
    ` (${count(report.pixCreditsChecked, 'Pix credit', 'Pix credits')}) and ${count(report.paidOrdersChecked, 'paid Pix order', 'paid Pix orders')}: ${outcome}.`
  );
}

/**
 * Checks every card against its ledger (TigerBeetle-style invariants), entirely in SQL so it scales with the ledger:
 * - the card's balance equals the sum of its credits minus the sum of its debits;
 * - entries form a chain in `seq` order: seq is 1..n with no gaps, each entry's `balanceAfterCents` is the previous
 *   one's plus its signed amount (the first starts from zero), and the card's `ledger_seq` is n;
 * - no balance (card or after any entry) is negative;
 * - every transfer_out has the matching transfer_in on its counterpart card, and vice versa;
 * - every Pix credit (an entry naming an e2eid) is the entry of exactly one paid recharge order with the same e2eid,
 *   card and amount, and every paid order has its entry.
 * Each part comes from one statement (CardsRepository.ledgerFindings, RechargeOrdersRepository.findings), so it reads
 * one snapshot and concurrent writes cannot produce false alarms (a Pix credit and its order commit together).
 */
export async function verifyLedger(em: EntityManager): Promise<LedgerReport> {
  const findings = await new CardsRepository(em).ledgerFindings();
  const violations: LedgerViolation[] = [];
  for (const row of findings.balances) {
    const { cardId } = row;
    if (row.balance !== row.computed) {
      violations.push({
        cardId,
        rule: 'balance-mismatch',
        detail: `balance ${row.balance} but credits - debits = ${row.computed}`,
      });
    }
    if (BigInt(row.balance) < 0n) violations.push({ cardId, rule: 'negative-balance', detail: `balance ${row.balance}` });
    if (row.ledgerSeq !== row.entries) {
      violations.push({
        cardId,
        rule: 'sequence-count',
        detail: `card ledger_seq ${row.ledgerSeq} but ${row.entries} entries`,
      });
    }
  }
  for (const row of findings.chain) {
    const { cardId } = row;
    if (row.seq !== row.position) {
      violations.push({ cardId, rule: 'sequence-gap', detail: `entry ${row.id} has seq ${row.seq} at position ${row.position}` });
    }
    if (row.balanceAfter !== row.expected) {
      violations.push({
        cardId,
        rule: 'chain-broken',
        detail: `entry ${row.id} (seq ${row.seq}) says balance after ${row.balanceAfter}, the entries before it give ${row.expected}`,
      });
    }
    if (BigInt(row.balanceAfter) < 0n) {
      violations.push({ cardId, rule: 'negative-balance', detail: `entry ${row.id} leaves ${row.balanceAfter}` });
    }
  }
  for (const row of findings.transfers) {
    violations.push({
      cardId: row.cardId,
      rule: 'transfer-unmatched',
      detail: `${row.type} ${row.id} has no matching entry on its counterpart card`,
    });
  }
  const pix = await new RechargeOrdersRepository(em).findings();
  const rules = {
    'credit-without-order': 'pix-credit-without-order',
    'order-without-credit': 'pix-order-without-credit',
    mismatch: 'pix-credit-mismatch',
  } as const;
  for (const finding of pix.findings) {
    violations.push({ cardId: finding.cardId, rule: rules[finding.kind], detail: finding.detail });
  }
  return {
    cardsChecked: findings.cards,
    entriesChecked: findings.entries,
    pixCreditsChecked: pix.credits,
    paidOrdersChecked: pix.paidOrders,
    violations,
  };
}
