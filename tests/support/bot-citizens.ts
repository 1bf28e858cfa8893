import { RequestContext } from '@mikro-orm/core';
import type { Document } from '../../src/documents/documents.repository';
import type { DocumentDetails } from '../../src/documents/documents.service';
import type { RechargeOrder } from '../../src/payments/recharge-order';
import { INTERNAL_REQUEST } from '../../src/shared/request-info';
import type { CardExport, CardSummary } from '../../src/transport/card';
import { cardNumberEnding } from '../../scripts/conversation-scenarios';
import { BotHarness } from './bot-harness';
import { registerCitizen, type SignedInCitizen } from './factories';
import type { TestApp } from './test-app';

/*
 * Citizens for bot transcript tests: set up through the app's services (as the API would) and read back through them,
 * so that a transcript checks what the bot did, not only what it said.
 */

/** Runs `work` in a request context of the app's entity manager, as the app runs each request and bot turn. */
export function inContext<T>(t: TestApp, work: () => Promise<T>): Promise<T> {
  return RequestContext.create(t.app.db.em, work);
}

function asCitizen(citizenId: string) {
  return { id: citizenId, role: 'citizen' as const };
}

/** A card to give a citizen: the digits its number ends in and, when `blocked`, blocked as lost once numbered. */
export interface CardSpec {
  last4: string;
  blocked?: boolean;
}

/** A registered citizen, their id, and their cards' ids: those the cards service listed, then those requested. */
export interface CitizenWithCards {
  citizen: SignedInCitizen;
  id: string;
  cardIds: string[];
}

/**
 * Registers a citizen (who gets one card, as every new account does). `cards` as a number: that many cards, numbered
 * as issued. As a list (digits or CardSpecs): as many cards as listed, more requested through the cards service when
 * needed, the i-th one renumbered to end in the i-th digits and blocked when its spec says so.
 */
export async function citizenWithCards(
  t: TestApp,
  cards: number | ReadonlyArray<string | CardSpec> = [],
): Promise<CitizenWithCards> {
  const citizen = await registerCitizen(t);
  const actor = asCitizen(citizen.id);
  const specs = typeof cards === 'number' ? [] : cards.map((card) => (typeof card === 'string' ? { last4: card } : card));
  const wanted = typeof cards === 'number' ? cards : specs.length;
  const cardIds = (await listedCards(t, citizen.id)).map((card) => card.id);
  while (cardIds.length < wanted) cardIds.push((await inContext(t, () => t.app.services.cards.requestCard(actor))).id);
  for (const [i, card] of specs.entries()) {
    // No service sets a card's number: it is fixed in the table so that a transcript can name the card by known digits.
    await t.app.db.em
      .fork()
      .execute('update transport_cards set number = ? where id = ?', [cardNumberEnding(card.last4), cardIds[i]]);
    if (card.blocked) await inContext(t, () => t.app.services.cards.block(actor, cardIds[i], 'lost', INTERNAL_REQUEST));
  }
  return { citizen, id: citizen.id, cardIds };
}

/** A chat linked to the citizen with a fresh code, as a citizen would link it. */
export async function linkedBot(t: TestApp, citizenId: string): Promise<BotHarness> {
  const bot = new BotHarness(t);
  await bot.link(citizenId);
  return bot;
}

/** A new citizen (cards as in `citizenWithCards`) with a chat linked to them. */
export async function linkedCitizen(
  t: TestApp,
  cards: number | ReadonlyArray<string | CardSpec> = [],
): Promise<CitizenWithCards & { bot: BotHarness }> {
  const citizen = await citizenWithCards(t, cards);
  return { ...citizen, bot: await linkedBot(t, citizen.id) };
}

/** A fresh link code for the citizen, as the app makes one (each retires the one before). */
export async function linkCode(t: TestApp, citizenId: string): Promise<string> {
  return (await inContext(t, () => t.app.services.channelLinks.createCode(asCitizen(citizenId)))).code;
}

/** The citizen's cards as the cards service lists them (a new account has one, active). */
export async function listedCards(t: TestApp, citizenId: string): Promise<CardSummary[]> {
  return (await inContext(t, () => t.app.services.cards.listCards(asCitizen(citizenId), { limit: 10 }))).items;
}

/** A card's status and, when blocked, the reason stored with the block. */
export interface CardState {
  status: string;
  reason: string | null;
}

/** The state of a card that is active (and so has no block reason). */
export const ACTIVE_CARD: CardState = { status: 'active', reason: null };

async function exportedCards(t: TestApp, citizenId: string): Promise<CardExport[]> {
  const data = await inContext(t, () => t.app.services.accounts.exportData(asCitizen(citizenId)));
  return data.cards as CardExport[];
}

function stateOf(card: CardExport): CardState {
  return { status: card.status, reason: card.block?.reason ?? null };
}

/** Each card's state, in the order of the citizen's data export (which carries the block records). */
export async function cardStates(t: TestApp, citizenId: string): Promise<CardState[]> {
  return (await exportedCards(t, citizenId)).map(stateOf);
}

/** Each card's state keyed by the last four digits of its number, from the citizen's data export. */
export async function cardsByLastDigits(t: TestApp, citizenId: string): Promise<Record<string, CardState>> {
  return Object.fromEntries((await exportedCards(t, citizenId)).map((card) => [card.number.slice(-4), stateOf(card)]));
}

/** The citizen's documents with their status and file, as the document service lists them. */
export async function savedDocumentDetails(t: TestApp, citizenId: string): Promise<DocumentDetails[]> {
  return (await inContext(t, () => t.app.services.documents.list(asCitizen(citizenId), {}, { limit: 100 }))).items;
}

/** The citizen's documents (the records only), as the document service lists them. */
export async function savedDocuments(t: TestApp, citizenId: string): Promise<Document[]> {
  return (await savedDocumentDetails(t, citizenId)).map((details) => details.document);
}

/** Every Pix recharge order of the given cards of the citizen, card by card, as the service lists them. */
export async function rechargeOrdersOf(t: TestApp, citizen: { id: string; cardIds: string[] }): Promise<RechargeOrder[]> {
  const all: RechargeOrder[] = [];
  for (const cardId of citizen.cardIds) {
    const page = await inContext(t, () =>
      t.app.services.rechargeOrders.listForCard(asCitizen(citizen.id), cardId, { limit: 100 }),
    );
    all.push(...page.items);
  }
  return all;
}
