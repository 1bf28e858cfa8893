import { BotHarness } from '../support/bot-harness';
import { cardStates, linkCode, linkedCitizen } from '../support/bot-citizens';
import { registerCitizen } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { MENU, play } from '../support/transcript';

/**
 * What a round of probing as Rio citizens write found (issue 17, points 4, 6 and 7): an option named by its place ("a
 * primeira"), a request made before linking kept across a message that asks nothing, and acknowledgements ("ok",
 * "blz", "kkk") met without "não entendi". Real services and database, outcomes checked through the services.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { FAQ_SEARCH_RATE_LIMIT: '100000' } });
});
afterAll(async () => {
  await t.close();
});

describe('an option named by its place', () => {
  it('"a primeira" picks the first reason shown, "a segunda opcao" the second; the card is blocked for that reason', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero bloquear meu cartao', [/Qual o motivo/]],
      ['a primeira', [/Confirma o bloqueio do cartão .* por perda\?/]],
      ['nao', [/continua ativo/, MENU]],
      ['quero bloquear meu cartao', [/Qual o motivo/]],
      ['a segunda opcao', [/Confirma o bloqueio do cartão .* por roubo ou furto\?/]],
      ['sim', [/bloquead/]],
    ]);
    expect(await cardStates(t, id)).toEqual([{ status: 'blocked', reason: 'stolen' }]);
  });
});

describe('a request made before linking', () => {
  it('is kept across messages that ask nothing ("ok", "blz") and served right after the link', async () => {
    const citizen = await registerCitizen(t);
    const bot = new BotHarness(t);
    await play(bot, [
      ['quero ver meu extrato', [/preciso saber quem é você/]],
      ['ok', [/fico esperando/, /vincular SEU-CÓDIGO/]],
      ['blz', [/fico esperando/]],
      [`vincular ${await linkCode(t, citizen.id)}`, [/vinculada/, /ainda não tem movimentações|Extrato/]],
    ]);
  });

  it('is dropped by another question in between: the link shows the menu', async () => {
    const citizen = await registerCitizen(t);
    const bot = new BotHarness(t);
    await play(bot, [
      ['quero ver meu saldo', [/preciso saber quem é você/]],
      ['qual a previsao do tempo amanha?', [/não consigo ajudar/]],
      [`vincular ${await linkCode(t, citizen.id)}`, [/vinculada/, /O que você quer fazer\?/]],
    ]);
  });
});

describe('acknowledgements with nothing asked', () => {
  it('"ok", "blz", "kkkk", "👍" and a lone "sim" are taken as such: no "não entendi", no FAQ answer', async () => {
    const { bot } = await linkedCitizen(t);
    for (const ack of ['ok', 'blz', 'kkkk', '👍', 'sim']) {
      await play(bot, [[ack, [/^Certo! 😊 Posso ajudar em algo mais\?/, MENU]]]);
    }
  });
});

describe('a flow paused after three misses', () => {
  const PAUSED = /pausei: você estava bloqueando seu cartão/;
  const RESUMED = /vamos continuar de onde paramos[\s\S]*Qual o motivo/;

  it.each(['onde eu tava', 'bora continuar', 'voltar', 'de onde parei?'])(
    '"%s" resumes it at its step; the block is then confirmed and done',
    async (resume) => {
      const { id, bot } = await linkedCitizen(t);
      await play(bot, [
        ['quero bloquear meu cartao', [/Qual o motivo/]],
        ['sei la', [/Qual o motivo/]],
        ['hmmm', [/Qual o motivo/]],
        ['aquele la', [PAUSED]],
        [resume, [RESUMED]],
        ['perdi', [/Confirma o bloqueio do cartão .* por perda\?/]],
        ['sim', [/bloquead/]],
      ]);
      expect(await cardStates(t, id)).toEqual([{ status: 'blocked', reason: 'lost' }]);
    },
  );

  it('"voltar ao menu" does not resume it: the menu is shown and nothing is blocked', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero bloquear meu cartao', [/Qual o motivo/]],
      ['sei la', [/Qual o motivo/]],
      ['hmmm', [/Qual o motivo/]],
      ['aquele la', [PAUSED]],
      ['voltar ao menu', [MENU]],
    ]);
    expect(bot.last[0].text).not.toMatch(/Qual o motivo/);
    expect(await cardStates(t, id)).toEqual([{ status: 'active', reason: null }]);
  });
});
