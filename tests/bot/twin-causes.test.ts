import { randomUUID } from 'node:crypto';
import { ACTIVE_CARD, cardStates, inContext, linkedCitizen, rechargeOrdersOf, savedDocuments } from '../support/bot-citizens';
import { startPixTestApp } from '../support/pix';
import type { TestApp } from '../support/test-app';
import { faqAnswerStart, play } from '../support/transcript';

/**
 * Causes found by twins of the tuning scenarios (dev set twin): the same situations lived by other citizens, worded
 * otherwise. A question about the card's money at a block step read as a request for the documents listing, a new
 * request opened by an acknowledgement at the FAQ's suggestions, the shorthand "sld", and whether a recharge "entrou". Real services and
 * database, outcomes checked through the services.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startPixTestApp({ env: { FAQ_SEARCH_RATE_LIMIT: '100000' } });
});
afterAll(() => t?.close());

const DOCUMENTS_LISTED = /Seus documentos|não tem documentos salvos/;

describe('a question about the card’s money at a block step', () => {
  it('is put to the FAQ and the reason asked again; no documents listed; the card blocked only when confirmed', async () => {
    const { id, bot } = await linkedCitizen(t, ['3712']);
    await bot.say('quero bloquear o cartao 3712');
    const replies = (await bot.say('a grana que ta nele eu perco?')).join('\n');
    expect(replies).not.toMatch(DOCUMENTS_LISTED);
    expect(replies).toMatch(/Qual o motivo do cancelamento do cartão •••• 3712\?/);
    expect(replies).not.toMatch(/Motivo não reconhecido/);
    expect(await cardStates(t, id)).toEqual([ACTIVE_CARD]);
    await play(bot, [
      ['ele rasgou todo', [/Confirma o bloqueio do cartão •••• 3712 por cartão danificado\?/]],
      ['pode sim', [/3712 bloqueado/]],
    ]);
    expect(await cardStates(t, id)).toEqual([{ status: 'blocked', reason: 'damaged' }]);
  });

  it('"o credito que sobrou nele vai embora?" is a question about blocking, not a look-up of the balance', async () => {
    const { id, bot } = await linkedCitizen(t, ['3714']);
    await bot.say('bloquear o final 3714');
    const replies = (await bot.say('o credito que sobrou nele vai embora?')).join('\n');
    expect(replies).not.toMatch(/R\$ \d/);
    expect(replies).toMatch(/Qual o motivo do cancelamento do cartão •••• 3714\?/);
    // Asked for outright, the balance is still shown, with the block offered back.
    await play(bot, [['quanto tem nele?', [/3714/, /R\$ \d/, /continuar/i]]]);
    expect(await cardStates(t, id)).toEqual([ACTIVE_CARD]);
  });

  it('asking for the documents in words still lists them, with the paused flow offered back', async () => {
    const { id, bot } = await linkedCitizen(t, ['3713']);
    await bot.say('quero bloquear o cartao 3713');
    await play(bot, [['me mostra os documentos que eu guardei', [DOCUMENTS_LISTED, /continuar/i]]]);
    expect(await savedDocuments(t, id)).toEqual([]);
    expect(await cardStates(t, id)).toEqual([ACTIVE_CARD]);
  });
});

describe('a new request opened by an acknowledgement at the FAQ’s suggestions', () => {
  it('"ok entao bloqueia ele que eu perdi" leaves the suggestions for the block, done only after the yes', async () => {
    const { id, bot } = await linkedCitizen(t, ['4620']);
    await play(bot, [['e o negocio la do cartao como que faz', [/Alguma destas perguntas ajuda\?/]]]);
    await play(bot, [['ok entao bloqueia ele que eu perdi', [/Confirma o bloqueio do cartão •••• 4620 por perda\?/]]]);
    expect(await cardStates(t, id)).toEqual([ACTIVE_CARD]);
    await play(bot, [['sim', [/4620 bloqueado/]]]);
    expect(await cardStates(t, id)).toEqual([{ status: 'blocked', reason: 'lost' }]);
  });
});

describe('the shorthand "sld"', () => {
  it('"sld" is the balance, never a block of the card named', async () => {
    const { id, bot } = await linkedCitizen(t, ['8051']);
    const replies = (await bot.say('qual o sld do final 8051')).join('\n');
    expect(replies).toMatch(/8051/);
    expect(replies).toMatch(/R\$ \d/);
    expect(replies).not.toMatch(/motivo do cancelamento|Confirma o bloqueio/);
    expect(await cardStates(t, id)).toEqual([ACTIVE_CARD]);
  });
});

describe('whether a recharge "entrou"', () => {
  it('"a recarga de ontem ja entrou?" tells the Pix orders’ status and creates none', async () => {
    const { bot, ...citizen } = await linkedCitizen(t, ['6634']);
    const actor = { id: citizen.id, role: 'citizen' as const };
    await inContext(t, () => t.app.services.rechargeOrders.create(actor, citizen.cardIds[0], 1500, randomUUID()));
    await play(bot, [
      ['a recarga de ontem ja entrou?', [/Sua última recarga por Pix:/, /R\$ 15,00 no cartão •••• 6634: aguardando pagamento/]],
    ]);
    expect((await rechargeOrdersOf(t, citizen)).map((order) => order.amountCents)).toEqual([1500]);
  });

  it('"coloquei credito ontem e nao entrou" is a complaint the FAQ answers, not a reaction; no order created', async () => {
    const { bot, ...citizen } = await linkedCitizen(t, ['6635']);
    const [reply] = await bot.say('coloquei credito ontem e nao entrou');
    expect(reply).toMatch(faqAnswerStart('recarga-nao-apareceu'));
    expect(await rechargeOrdersOf(t, citizen)).toEqual([]);
  });
});
