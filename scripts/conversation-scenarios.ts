/**
 * Scores the multi-turn scenarios of the conversation evaluation set (tests/conversation-eval/README.md) against the
 * real bot: for each scenario a fresh citizen is prepared through the services in the start state it describes, the
 * app's own conversation engine (the one `buildApp` composes, with whatever Understanding the app wires) is driven turn
 * by turn, and the outcome is checked through the services (blocks, saved documents, links) and in the replies (what was
 * shown). Used by scripts/conversation-eval.ts and by its integration test.
 */

import { RequestContext } from '@mikro-orm/core';
import { randomInt, randomUUID } from 'node:crypto';
import type { App } from '../src/main';
import type { Actor } from '../src/shared/access';
import { INTERNAL_REQUEST } from '../src/shared/request-info';
import { formatBrl } from '../src/transport/money';
import { luhnCheckDigit } from '../src/transport/card-number';
import { channelKey } from '../src/conversations/channel-key';
import { FAQ_SEED_ENTRIES } from '../src/faq/seed-entries';
import { maskDocumentNumber, type DocumentTypeCode } from '../src/documents/document-types';
import type { ConversationKey, IncomingAttachment } from '../bot/flows/types';
import { buildCitizen, sampleFiles } from '../tests/support/factories';

export type CardStatus = 'active' | 'blocked' | 'cancelled';
export type BlockReason = 'lost' | 'stolen' | 'damaged' | 'other';

export interface ScenarioCard {
  last4: string;
  status: CardStatus;
  balanceCents: number;
}

export interface ScenarioDocument {
  documentType: string;
  documentNumber: string;
  documentLabel?: string;
  issuerState?: string;
  expiresAt?: string;
  hasFile?: boolean;
}

export interface ScenarioTurn {
  text: string;
  attachment?: { name: string; contentType: string };
  intent?: string;
  slots?: Record<string, unknown>;
  faqEntry?: string;
  bot?: string;
}

export interface ScenarioOutcome {
  blocked: Array<{ card: string; blockReason: BlockReason }>;
  saved: ScenarioDocument[];
  balanceShown?: string[];
  historyShown?: string[];
  cardsListed?: boolean;
  documentsListed?: boolean;
  faqAnswered?: string[];
  linked?: boolean;
  declined?: boolean;
  /** Pix recharge orders created, exactly (card and amount); absent: none may be created. */
  recharged?: Array<{ card: string; amountCents: number }>;
  /** The citizen's notice choices after the last turn; absent: they must not change. */
  notices?: { expiryReminders: boolean; lowBalanceThresholdCents: number | null };
}

export interface Scenario {
  id: string;
  kind: string;
  description?: string;
  start: { linked: boolean; cards: ScenarioCard[]; documents: ScenarioDocument[]; linkCode?: string };
  turns: ScenarioTurn[];
  outcome: ScenarioOutcome;
}

/** What one scenario gave: `misses` (expected, not met) and `wrongActions` (done, not asked) in words, for reports. */
export interface ScenarioResult {
  id: string;
  kind: string;
  completed: boolean;
  misses: string[];
  wrongActions: string[];
  /** Every reply of every turn, in order (for the tuning part's failure listing only). */
  replies: string[][];
  /** The prompt the bot was at before each turn (the set's `at` names), or null where no prompt of the set was open. */
  steps: Array<string | null>;
}

export interface ScenarioScore {
  scenarios: number;
  completed: number;
  completion: number;
  /** Scenarios with at least one wrong action, and the wrong actions counted one by one. */
  scenariosWithWrongActions: number;
  wrongActions: number;
}

/** The adapter and channel the runner's conversations come through (a Bot Framework "test" channel, as the harness). */
const CHANNEL = channelKey('botframework', 'test');

const FAQ_ANSWERS = FAQ_SEED_ENTRIES.map((entry) => ({ slug: entry.slug, probe: simplify(entry.answer).slice(0, 60) }));

/** Lower case, no accents, single spaces: replies are compared with data this way. */
/** The same account acting as an operator: the simulated recharge (credit without a payment) is admin-only. */
function asOperator(actor: Actor): Actor {
  return { ...actor, role: 'admin' };
}

function simplify(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** A valid card number (Luhn) ending in `last4`: random body, the twelfth digit chosen so the check digit fits. */
export function cardNumberEnding(last4: string): string {
  for (;;) {
    let body = '6062';
    while (body.length < 11) body += String(randomInt(10));
    for (let digit = 0; digit < 10; digit++) {
      const candidate = `${body}${digit}${last4}`;
      if (luhnCheckDigit(candidate.slice(0, 15)) === Number(candidate[15])) return candidate;
    }
  }
}

/** Rewrites the scenario's link code wherever a text has it (any case, with or without separators) as `code`. */
export function withLinkCode(text: string, placeholder: string, code: string): string {
  const pattern = new RegExp(placeholder.split('').join('[\\s.-]?'), 'gi');
  return text.replace(pattern, (typed) => {
    const shaped = /[\s.-]/.test(typed) ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
    return typed === typed.toLowerCase() ? shaped.toLowerCase() : shaped;
  });
}

/** Runs scenarios against one app: one database, one engine, a fresh citizen and conversation per scenario. */
export class ScenarioRunner {
  constructor(private readonly app: App) {}

  /** Plays one scenario and checks its outcome. */
  async run(scenario: Scenario): Promise<ScenarioResult> {
    return RequestContext.create(this.app.db.em, () => this.play(scenario));
  }

  private async play(scenario: Scenario): Promise<ScenarioResult> {
    const { services, engine } = this.app;
    const key: ConversationKey = {
      channel: CHANNEL,
      conversationId: `eval-${randomUUID()}`,
      channelUserId: `eval-user-${randomUUID()}`,
    };
    const citizen = await this.prepare(scenario, key);
    let code = '';
    if (scenario.start.linkCode) code = (await services.channelLinks.createCode(citizen.actor)).code;

    const replies: string[][] = [];
    const steps: Array<string | null> = [];
    for (const turn of scenario.turns) {
      const { conversation } = await services.conversations.load(key.channel, key.conversationId, key.channelUserId);
      steps.push(conversation ? stepOf(conversation.snapshot) : 'menu');
      const text = scenario.start.linkCode ? withLinkCode(turn.text, scenario.start.linkCode, code) : turn.text;
      const attachments = turn.attachment ? [fileOf(turn.attachment)] : [];
      const said = await engine.handleTurn(key, { text, attachments }, randomUUID());
      // Options shown as buttons are part of what the citizen sees.
      replies.push(said.map((message) => [message.text, ...(message.choices ?? []).map((choice) => choice.label)].join('\n')));
    }
    const { misses, wrongActions } = await this.check(scenario, citizen, key, replies.flat());
    return {
      id: scenario.id,
      kind: scenario.kind,
      completed: misses.length === 0 && wrongActions.length === 0,
      misses,
      wrongActions,
      replies,
      steps,
    };
  }

  /** Registers a citizen and gives them the scenario's cards, documents and link, through the services. */
  private async prepare(scenario: Scenario, key: ConversationKey): Promise<PreparedCitizen> {
    const { services, db } = this.app;
    const user = await services.accounts.register(buildCitizen(), INTERNAL_REQUEST);
    const actor: Actor = { id: user.id, role: 'citizen' };
    const cardIds = (await services.cards.listCards(actor, { limit: 10 })).items.map((card) => card.id);
    // Registration gave one card; the others are requested as a citizen would (at most three not cancelled).
    while (cardIds.length < scenario.start.cards.length) cardIds.push((await services.cards.requestCard(actor)).id);
    const em = db.em.fork();
    for (const [i, card] of scenario.start.cards.entries()) {
      const id = cardIds[i];
      // Card numbers are random; the scenario names cards by their last digits, so the number is set to end in them.
      await em.execute('update transport_cards set number = ? where id = ?', [cardNumberEnding(card.last4), id]);
      await this.giveBalance(actor, id, card.balanceCents);
      if (card.status !== 'active') await services.cards.block(actor, id, 'lost', INTERNAL_REQUEST);
      // No service cancels a card other than by replacing it (which issues another card): set as a replacement would.
      if (card.status === 'cancelled') await em.execute(`update transport_cards set status = 'cancelled' where id = ?`, [id]);
    }
    for (const doc of scenario.start.documents) {
      await services.documents.create(
        actor,
        {
          type: doc.documentType,
          number: doc.documentNumber,
          label: doc.documentLabel ?? null,
          issuerState: doc.issuerState ?? null,
          expiresAt: doc.expiresAt ?? null,
        },
        INTERNAL_REQUEST,
      );
    }
    if (scenario.start.linked) {
      const { code } = await services.channelLinks.createCode(actor);
      const linked = await services.channelLinks.redeem(key.channel, key.channelUserId, code);
      if (!linked.ok) throw new Error(`scenario ${scenario.id}: linking the start state failed (${linked.reason})`);
    }
    const documentIds = new Set((await this.documentsOf(actor)).map((details) => details.document.id));
    return { actor, documentIds, cardIds, notices: await services.notices.preferences(actor) };
  }

  /**
   * Gives a new card the ledger of a card in use that ends at `cents`: recharges (each within the per-operation range,
   * never passing the balance cap) and fares paid, whose sum is the balance, then checks the balance through the
   * service: the history the bot shows and the balance always agree. No single movement equals the balance, so a
   * history reply (amounts with the card's digits) is never read as the balance shown.
   */
  private async giveBalance(actor: Actor, cardId: string, cents: number): Promise<void> {
    const { cards } = this.app.services;
    if (cents > 0) {
      for (const movement of seedMovements(cents, this.app.config.cards)) {
        // Seeded as an operator would: the simulated recharge is admin-only (citizens pay by Pix).
        if (movement.type === 'recharge') await cards.recharge(asOperator(actor), cardId, movement.amountCents, randomUUID());
        else await cards.debit(actor, cardId, movement.amountCents, randomUUID());
      }
    }
    const { balanceCents } = await cards.getCard(actor, cardId);
    if (balanceCents !== cents) throw new Error(`seeding gave the card ${balanceCents} centavos instead of ${cents}`);
  }

  private async documentsOf(actor: Actor) {
    return (await this.app.services.documents.list(actor, {}, { limit: 100 })).items;
  }

  /** Compares what happened with the scenario's outcome. */
  private async check(
    scenario: Scenario,
    citizen: PreparedCitizen,
    key: ConversationKey,
    replies: string[],
  ): Promise<{ misses: string[]; wrongActions: string[] }> {
    const { services, db } = this.app;
    const { outcome, start } = scenario;
    const misses: string[] = [];
    const wrong: string[] = [];

    // Blocks: every card blocked during the conversation (the start state's blocked cards were blocked before it).
    const rows = await db.em
      .fork()
      .execute<Array<{ number: string; reason: BlockReason }>>(
        'select c.number, b.reason from card_blocks b join transport_cards c on c.id = b.card_id where b.user_id = ?',
        [citizen.actor.id],
      );
    const blockedAtStart = new Set(start.cards.filter((card) => card.status !== 'active').map((card) => card.last4));
    const blocked = rows
      .map((row) => ({ card: row.number.slice(-4), blockReason: row.reason }))
      .filter((b) => !blockedAtStart.has(b.card));
    for (const expected of outcome.blocked) {
      const got = blocked.find((b) => b.card === expected.card);
      if (!got) misses.push(`card ${expected.card} not blocked`);
      else if (got.blockReason !== expected.blockReason) {
        misses.push(`card ${expected.card} blocked as ${got.blockReason}, not ${expected.blockReason}`);
        wrong.push(`card ${expected.card} blocked with reason ${got.blockReason}`);
      }
    }
    for (const got of blocked) {
      if (!outcome.blocked.some((expected) => expected.card === got.card))
        wrong.push(`card ${got.card} blocked (${got.blockReason})`);
    }

    // Saved documents: exact fields; anything else saved, or saved with other values, is a wrong action.
    const saved = (await this.documentsOf(citizen.actor)).filter((details) => !citizen.documentIds.has(details.document.id));
    const unmatched = [...saved];
    for (const expected of outcome.saved) {
      const at = unmatched.findIndex((details) => sameDocument(details, expected));
      if (at >= 0) unmatched.splice(at, 1);
      else misses.push(`document ${JSON.stringify(expected)} not saved as expected`);
    }
    for (const details of unmatched) {
      const { type, number, label, issuerState, expiresAt } = details.document;
      wrong.push(
        `document saved: ${JSON.stringify({ type, number, label, issuerState, expiresAt, file: details.file !== null })}`,
      );
    }

    // The link: checked where the scenario starts unlinked (linking needs the citizen's code, so it is never unasked).
    if (!start.linked) {
      const links = await services.channelLinks.list(citizen.actor);
      const linked = links.some((link) => link.channel === key.channel && link.channelUserId === key.channelUserId);
      if (linked !== (outcome.linked ?? false)) misses.push(linked ? 'linked, not expected' : 'not linked');
    }

    // What was shown, read in the replies with the scenario's own data.
    const text = replies.map(simplify);
    const cards = start.cards;
    const balanceShown = cards
      .filter((card) =>
        text.some((reply) => reply.includes(card.last4) && reply.includes(simplify(formatBrl(card.balanceCents)))),
      )
      .map((card) => card.last4);
    checkShown('balance of card', outcome.balanceShown, balanceShown, misses, wrong);
    // A statement is its heading or its empty notice ("Últimas movimentações do cartão •••• 1234",
    // "ainda não tem movimentações"): a question or an offer that names the statement ("quer continuar vendo o
    // extrato do seu cartão?" under the balance of 1234) shows none.
    const historyShown = cards
      .filter((card) => text.some((reply) => reply.includes(card.last4) && /movimentac/.test(reply)))
      .map((card) => card.last4);
    checkShown('history of card', outcome.historyShown, historyShown, misses, wrong);
    const cardsListed = text.some(
      (reply) => cards.every((card) => reply.includes(card.last4)) && /\bativo|bloquead|cancelad/.test(reply),
    );
    if (outcome.cardsListed && !cardsListed) misses.push('cards not listed');
    // A listing names every document the citizen had (masked as the domain masks them), or says there is none.
    const masked = start.documents.map((doc) =>
      simplify(maskDocumentNumber(doc.documentType as DocumentTypeCode, doc.documentNumber)),
    );
    const documentsListed = text.some((reply) =>
      masked.length > 0
        ? /documentos/.test(reply) && masked.every((number) => reply.includes(number))
        : /nao tem (nenhum )?documentos?|nenhum documento/.test(reply),
    );
    if (outcome.documentsListed && !documentsListed) misses.push('documents not listed');
    if (!outcome.documentsListed && documentsListed) wrong.push('documents listed');
    const answered = FAQ_ANSWERS.filter((entry) => text.some((reply) => reply.includes(entry.probe))).map((entry) => entry.slug);
    checkShown('FAQ answer', outcome.faqAnswered, answered, misses, wrong);
    const declined = text.some((reply) => DECLINE.test(reply));
    if (outcome.declined && !declined) misses.push('out-of-scope request not declined');
    await this.checkRecharges(scenario, citizen, misses, wrong);
    await this.checkNotices(scenario, citizen, misses, wrong);
    return { misses, wrongActions: wrong };
  }

  /** Pix orders, exact as blocks are: an order not asked for (or of another amount or card) is a wrong action. */
  private async checkRecharges(scenario: Scenario, citizen: PreparedCitizen, misses: string[], wrong: string[]): Promise<void> {
    const { rechargeOrders } = this.app.services;
    const orders: Array<{ card: string; amountCents: number }> = [];
    for (const [i, cardId] of citizen.cardIds.entries()) {
      const card = scenario.start.cards[i]?.last4;
      if (!card) continue;
      const { items } = await rechargeOrders.listForCard(citizen.actor, cardId, { limit: 100 });
      orders.push(...items.map((order) => ({ card, amountCents: order.amountCents })));
    }
    for (const expected of scenario.outcome.recharged ?? []) {
      const at = orders.findIndex((order) => order.card === expected.card && order.amountCents === expected.amountCents);
      if (at >= 0) orders.splice(at, 1);
      else misses.push(`no Pix order of ${expected.amountCents} centavos for card ${expected.card}`);
    }
    for (const order of orders) wrong.push(`Pix order of ${order.amountCents} centavos for card ${order.card} created`);
  }

  /** Notice choices: as the outcome says, or, where it says nothing, as they were before the first turn. */
  private async checkNotices(scenario: Scenario, citizen: PreparedCitizen, misses: string[], wrong: string[]): Promise<void> {
    const now = await this.app.services.notices.preferences(citizen.actor);
    const got = { expiryReminders: now.expiryReminders, lowBalanceThresholdCents: now.lowBalanceThresholdCents };
    const expected = scenario.outcome.notices;
    if (expected) {
      if (JSON.stringify(got) !== JSON.stringify(expected))
        misses.push(`notices ${JSON.stringify(got)}, not ${JSON.stringify(expected)}`);
    } else if (
      got.expiryReminders !== citizen.notices.expiryReminders ||
      got.lowBalanceThresholdCents !== citizen.notices.lowBalanceThresholdCents
    ) {
      wrong.push(`notices changed to ${JSON.stringify(got)}`);
    }
  }
}

/** A bus fare, debited from seeded cards as a citizen's tap would (R$ 4,70). */
const FARE_CENTS = 470;

/**
 * The movements that take a new card to `cents` (> 0): recharges of `cents` plus the fares (as even as the
 * per-operation range allows, at least two when one would pass the range), the fares debited after the first
 * recharge, so the balance never passes `cents` plus one recharge's fares nor the cap. None is worth `cents` itself.
 */
export function seedMovements(
  cents: number,
  limits: { rechargeMinCents: number; rechargeMaxCents: number },
): Array<{ type: 'recharge' | 'debit'; amountCents: number }> {
  const fare = cents === FARE_CENTS ? FARE_CENTS - 40 : FARE_CENTS;
  let fares = 1;
  while (cents + fares * fare < limits.rechargeMinCents) fares++;
  const total = cents + fares * fare;
  const count = Math.ceil(total / limits.rechargeMaxCents);
  const recharges = Array.from({ length: count }, (_, i) => Math.floor(total / count) + (i < total % count ? 1 : 0));
  const debits = Array.from({ length: fares }, () => ({ type: 'debit' as const, amountCents: fare }));
  const [first, ...rest] = recharges.map((amountCents) => ({ type: 'recharge' as const, amountCents }));
  return [first, ...debits, ...rest];
}

/** The machines' prompt states, by flow, as the evaluation set names them (`at`). */
const STEPS: Record<string, Record<string, string>> = {
  cancelCard: { pick: 'block.card', reason: 'block.reason', confirm: 'block.confirm' },
  cardHistory: { pick: 'history.card' },
  saveDocument: {
    type: 'save.type',
    issuerState: 'save.state',
    label: 'save.label',
    number: 'save.number',
    expiresAt: 'save.expiry',
    attachment: 'save.attachment',
    confirm: 'save.confirm',
  },
  question: { suggesting: 'faq.suggestions' },
  recharge: { pick: 'recharge.card', amount: 'recharge.amount', confirm: 'recharge.confirm' },
};

/** The root's own prompts: the offer to resume a paused flow, the amount of the low-balance alert. */
const ROOT_STEPS: Record<string, string> = { offering: 'resume.offer', noticeAmount: 'notices.amount' };

/** The first state name of an XState state value ("menu", { flow: "cancelCard" } -> "flow"). */
function stateName(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') return Object.keys(value)[0] ?? null;
  return null;
}

/**
 * Where a stored conversation waits: `menu`, a flow's prompt, or null (a state the set has no label for, such as the
 * free-text question being asked). Read from the persisted snapshot, as the engine's own diagnostics do.
 */
function stepOf(snapshot: unknown): string | null {
  const root = snapshot as { value?: unknown; children?: Record<string, { snapshot?: { value?: unknown } }> };
  const top = stateName(root.value);
  if (top === 'menu' || top === 'finished') return 'menu';
  if (top && ROOT_STEPS[top]) return ROOT_STEPS[top];
  if (top !== 'flow') return null;
  const flow = stateName((root.value as Record<string, unknown>).flow);
  const state = stateName(root.children?.flow?.snapshot?.value);
  return (flow && state && STEPS[flow]?.[state]) ?? null;
}

/** An out-of-scope decline: the bot says it cannot help with that (and, elsewhere in the reply, what it can do). */
const DECLINE =
  /nao (posso|consigo|sei) (te )?ajudar|so (posso|consigo) (te )?ajudar|fora do que (eu )?(posso|consigo|faco)|nao e (algo|comigo)/;

interface PreparedCitizen {
  actor: Actor;
  /** The documents saved before the first turn. */
  documentIds: Set<string>;
  /** The citizen's cards, in the start state's order. */
  cardIds: string[];
  /** The notice choices before the first turn. */
  notices: { expiryReminders: boolean; lowBalanceThresholdCents: number | null };
}

/**
 * Expected items not shown are misses; items shown when the scenario lists none of that kind (key absent) are wrong
 * actions. Where the scenario lists some, showing others beside them is not counted: a balance request answers for
 * every card.
 */
function checkShown(what: string, expected: string[] | undefined, shown: string[], misses: string[], wrong: string[]): void {
  for (const item of expected ?? []) if (!shown.includes(item)) misses.push(`${what} ${item} not shown`);
  if (expected === undefined) for (const item of shown) wrong.push(`${what} ${item} shown`);
}

function sameDocument(
  details: {
    document: { type: string; number: string; label: string | null; issuerState: string | null; expiresAt: string | null };
    file: unknown;
  },
  expected: ScenarioDocument,
): boolean {
  const doc = details.document;
  return (
    doc.type === expected.documentType &&
    doc.number === expected.documentNumber &&
    (doc.label ?? undefined) === expected.documentLabel &&
    (doc.issuerState ?? undefined) === expected.issuerState &&
    (doc.expiresAt ?? undefined) === expected.expiresAt &&
    (details.file !== null) === (expected.hasFile ?? false)
  );
}

/** A file the citizen sends: a small file of the declared kind, already received (as the Emulator's data: URLs). */
function fileOf(attachment: { name: string; contentType: string }): IncomingAttachment {
  const bytes =
    attachment.contentType === 'application/pdf'
      ? sampleFiles.pdf()
      : attachment.contentType === 'image/png'
        ? sampleFiles.png()
        : sampleFiles.jpeg();
  return {
    name: attachment.name,
    contentType: attachment.contentType,
    read: (maxBytes) => Promise.resolve(bytes.length > maxBytes ? { ok: false, reason: 'too-large' } : { ok: true, bytes }),
  };
}

/** Completion and wrong actions over a part's scenarios. */
export function scoreScenarios(results: readonly ScenarioResult[]): ScenarioScore {
  const completed = results.filter((result) => result.completed).length;
  return {
    scenarios: results.length,
    completed,
    completion: results.length === 0 ? 0 : completed / results.length,
    scenariosWithWrongActions: results.filter((result) => result.wrongActions.length > 0).length,
    wrongActions: results.reduce((sum, result) => sum + result.wrongActions.length, 0),
  };
}
