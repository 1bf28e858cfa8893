import { RequestContext } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { cardNumberEnding } from '../../scripts/conversation-scenarios';
import type { CardExport } from '../../src/transport/card';
import { fromMarkdown } from '../../bot/render/format';
import { FAQ_PUBLISHED_ENTRIES } from '../../src/faq/seed-entries';
import { BotHarness } from '../support/bot-harness';
import { registerCitizen } from '../support/factories';
import { startPixEnvironment, type PixEnvironment } from '../support/pix';
import { startTestApp, type TestApp } from '../support/test-app';
import { play } from '../support/transcript';

/**
 * Causes found by twins of the tuning scenarios (dev set twin): the same situations lived by other citizens, worded
 * otherwise. A question about the card's money at a block step read as a request for the documents listing, a new
 * request opened by an acknowledgement at the FAQ's suggestions, the shorthand "sld", and whether a recharge "entrou". Real services and
 * database, outcomes checked through the services.
 */
let pix: PixEnvironment;
let t: TestApp;
beforeAll(async () => {
  pix = await startPixEnvironment();
  t = await startTestApp({ env: { ...pix.env, FAQ_SEARCH_RATE_LIMIT: '100000' } });
});
afterAll(async () => {
  await t?.close();
  await pix?.close();
});

function inContext<T>(work: () => Promise<T>): Promise<T> {
  return RequestContext.create(t.app.db.em, work);
}

/** The start of an entry's answer as the bot says it. */
function answerOf(slug: string): RegExp {
  const entry = FAQ_PUBLISHED_ENTRIES.find((e) => e.slug === slug)!;
  return new RegExp(
    `^${fromMarkdown(entry.answer)
      .slice(0, 40)
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
  );
}

const DOCUMENTS_LISTED = /Seus documentos|não tem documentos salvos/;

/** A linked citizen whose only card ends in `last4`. */
async function linkedCitizen(last4: string): Promise<{ id: string; cardId: string; bot: BotHarness }> {
  const citizen = await registerCitizen(t);
  const actor = { id: citizen.id, role: 'citizen' as const };
  const [card] = (await inContext(() => t.app.services.cards.listCards(actor, { limit: 10 }))).items;
  await t.app.db.em.fork().execute('update transport_cards set number = ? where id = ?', [cardNumberEnding(last4), card.id]);
  const bot = new BotHarness(t);
  await bot.link(citizen.id);
  return { id: citizen.id, cardId: card.id, bot };
}

async function cardsOf(citizenId: string): Promise<Array<{ status: string; reason: string | null }>> {
  const data = await inContext(() => t.app.services.accounts.exportData({ id: citizenId, role: 'citizen' }));
  return (data.cards as CardExport[]).map((card) => ({ status: card.status, reason: card.block?.reason ?? null }));
}

async function documentCount(citizenId: string): Promise<number> {
  const page = await inContext(() => t.app.services.documents.list({ id: citizenId, role: 'citizen' }, {}, { limit: 100 }));
  return page.items.length;
}

describe('a question about the card’s money at a block step', () => {
  it('is put to the FAQ and the reason asked again; no documents listed; the card blocked only when confirmed', async () => {
    const { id, bot } = await linkedCitizen('3712');
    await bot.say('quero bloquear o cartao 3712');
    const replies = (await bot.say('a grana que ta nele eu perco?')).join('\n');
    expect(replies).not.toMatch(DOCUMENTS_LISTED);
    expect(replies).toMatch(/Qual o motivo do cancelamento do cartão •••• 3712\?/);
    expect(replies).not.toMatch(/Motivo não reconhecido/);
    expect(await cardsOf(id)).toEqual([{ status: 'active', reason: null }]);
    await play(bot, [
      ['ele rasgou todo', [/Confirma o bloqueio do cartão •••• 3712 por cartão danificado\?/]],
      ['pode sim', [/3712 bloqueado/]],
    ]);
    expect(await cardsOf(id)).toEqual([{ status: 'blocked', reason: 'damaged' }]);
  });

  it('"o credito que sobrou nele vai embora?" is a question about blocking, not a look-up of the balance', async () => {
    const { id, bot } = await linkedCitizen('3714');
    await bot.say('bloquear o final 3714');
    const replies = (await bot.say('o credito que sobrou nele vai embora?')).join('\n');
    expect(replies).not.toMatch(/R\$ \d/);
    expect(replies).toMatch(/Qual o motivo do cancelamento do cartão •••• 3714\?/);
    // Asked for outright, the balance is still shown, with the block offered back.
    await play(bot, [['quanto tem nele?', [/3714/, /R\$ \d/, /continuar/i]]]);
    expect(await cardsOf(id)).toEqual([{ status: 'active', reason: null }]);
  });

  it('asking for the documents in words still lists them, with the paused flow offered back', async () => {
    const { id, bot } = await linkedCitizen('3713');
    await bot.say('quero bloquear o cartao 3713');
    await play(bot, [['me mostra os documentos que eu guardei', [DOCUMENTS_LISTED, /continuar/i]]]);
    expect(await documentCount(id)).toBe(0);
    expect(await cardsOf(id)).toEqual([{ status: 'active', reason: null }]);
  });
});

describe('a new request opened by an acknowledgement at the FAQ’s suggestions', () => {
  it('"ok entao bloqueia ele que eu perdi" leaves the suggestions for the block, done only after the yes', async () => {
    const { id, bot } = await linkedCitizen('4620');
    await play(bot, [['e o negocio la do cartao como que faz', [/Alguma destas perguntas ajuda\?/]]]);
    await play(bot, [['ok entao bloqueia ele que eu perdi', [/Confirma o bloqueio do cartão •••• 4620 por perda\?/]]]);
    expect(await cardsOf(id)).toEqual([{ status: 'active', reason: null }]);
    await play(bot, [['sim', [/4620 bloqueado/]]]);
    expect(await cardsOf(id)).toEqual([{ status: 'blocked', reason: 'lost' }]);
  });
});

describe('the shorthand "sld"', () => {
  it('"sld" is the balance, never a block of the card named', async () => {
    const { id, bot } = await linkedCitizen('8051');
    const replies = (await bot.say('qual o sld do final 8051')).join('\n');
    expect(replies).toMatch(/8051/);
    expect(replies).toMatch(/R\$ \d/);
    expect(replies).not.toMatch(/motivo do cancelamento|Confirma o bloqueio/);
    expect(await cardsOf(id)).toEqual([{ status: 'active', reason: null }]);
  });
});

describe('whether a recharge "entrou"', () => {
  it('"a recarga de ontem ja entrou?" tells the Pix orders’ status and creates none', async () => {
    const { id, cardId, bot } = await linkedCitizen('6634');
    const actor = { id, role: 'citizen' as const };
    await inContext(() => t.app.services.rechargeOrders.create(actor, cardId, 1500, randomUUID()));
    await play(bot, [
      ['a recarga de ontem ja entrou?', [/Sua última recarga por Pix:/, /R\$ 15,00 no cartão •••• 6634: aguardando pagamento/]],
    ]);
    const orders = await inContext(() => t.app.services.rechargeOrders.listForCard(actor, cardId, { limit: 10 }));
    expect(orders.items.map((order) => order.amountCents)).toEqual([1500]);
  });

  it('"coloquei credito ontem e nao entrou" is a complaint the FAQ answers, not a reaction; no order created', async () => {
    const { id, cardId, bot } = await linkedCitizen('6635');
    const [reply] = await bot.say('coloquei credito ontem e nao entrou');
    expect(reply).toMatch(answerOf('recarga-nao-apareceu'));
    const orders = await inContext(() =>
      t.app.services.rechargeOrders.listForCard({ id, role: 'citizen' }, cardId, { limit: 10 }),
    );
    expect(orders.items).toEqual([]);
  });
});
