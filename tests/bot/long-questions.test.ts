import { findDocumentType } from '../../src/documents/document-types';
import { BotHarness } from '../support/bot-harness';
import { cardStates, linkedCitizen, savedDocuments, ACTIVE_CARD } from '../support/bot-citizens';
import { startTestApp, type TestApp } from '../support/test-app';
import { MENU, play } from '../support/transcript';

/**
 * Issue 17, point 6: a long voice-typed story is answered or narrowed down, never met with an answer to a question
 * the citizen did not ask. At the menu and in the middle of a flow, where the same step is asked again afterwards and
 * nothing is saved or blocked on the story's words. Real services and database, read back through the services.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { FAQ_SEARCH_RATE_LIMIT: '100000' } });
});
afterAll(async () => {
  await t.close();
});

const cnh = findDocumentType('cnh')!;
const ASKS_NUMBER = /Qual é o número do documento \(CNH\)\?/;
const ASKS_EXPIRY = /Qual é a data de validade\?/;
/** Replies that would answer a question about a lost or stolen card, or start blocking one. */
const LOST_CARD = /bloque/i;
const SERVICE_ERROR = /não consegui consultar|problema para concluir/;
/** The FAQ's closest questions offered instead of an answer. */
const SUGGESTIONS = /Não encontrei uma resposta certa|Alguma destas perguntas ajuda\?/;

/** A grandfather's free fare; its vague ending ("o que ... levar") shares nothing with a lost card any more. */
const FREE_FARE_STORY =
  'boa noite moça desculpa o horario é que so agora consegui sentar um pouco eu moro com o meu avo ele tem setenta e ' +
  'dois anos e vai no medico toda semana la na tijuca e outro dia no onibus o cobrador falou que ele nem precisava ' +
  'pagar a passagem mas ele nunca soube disso e pagou a vida inteira e ainda gastou um dinheirão esse mes ai eu ' +
  'fiquei pensando que nao é justo entao eu queria saber o que ele tem que fazer e o que ele precisa levar';

/** A story about a recharge that worked, ending in a question about the trips made with the card. */
const TRIPS_STORY =
  'oi boa tarde eu fiz uma recarga pelo pix ontem de noite e o saldo entrou certinho no cartao tudo certo mas meu ' +
  'filho pegou o cartao emprestado hoje e andou o dia todo pela cidade e eu queria saber como eu vejo as viagens que ' +
  'ele fez com o cartao';

/** A story that asks clearly at the end: how to show a document to someone who checks it from afar. */
const SHOW_DOCUMENT_STORY =
  'boa tarde eu vou fazer uma entrevista de emprego amanha e o rh pediu rg cpf titulo de eleitor e carteira de ' +
  'trabalho e eu nao tenho impressora em casa pra tirar copia de nada e nem vou conseguir ir la antes entao como eu ' +
  'faço pra mostrar o meu documento pra eles conferirem de longe';

describe('a long story at the menu', () => {
  it('whose question is clear gets that answer', async () => {
    const bot = new BotHarness(t);
    const replies = await bot.say(SHOW_DOCUMENT_STORY);
    expect(replies.join('\n')).not.toMatch(SERVICE_ERROR);
    expect(replies[0]).not.toMatch(SUGGESTIONS);
    expect(replies[0]).toMatch(/link/i);
    expect(replies.at(-1)).toMatch(MENU);
  });

  it('whose ending is vague gets suggestions with the free fare, never the lost-card answer, and no card is blocked', async () => {
    const { id, bot } = await linkedCitizen(t);
    const replies = await bot.say(FREE_FARE_STORY);
    const text = replies.join('\n');
    expect(text).not.toMatch(SERVICE_ERROR);
    expect(text).not.toMatch(LOST_CARD);
    expect(replies[0]).toMatch(SUGGESTIONS);
    expect(text).toMatch(/Idosos têm gratuidade/);
    expect(await cardStates(t, id)).toEqual([ACTIVE_CARD]);
  });

  it("whose story speaks of another entry than its question gets suggestions with the question, not the story's answer", async () => {
    const bot = new BotHarness(t);
    const replies = await bot.say(TRIPS_STORY);
    expect(replies[0]).toMatch(SUGGESTIONS);
    expect(replies.join('\n')).not.toMatch(/toda recarga confirmada aparece/);
    expect(replies.join('\n')).toMatch(/Como vejo o extrato do meu cartão\?/);
  });
});

describe('a long story in the middle of a flow', () => {
  it('is answered or narrowed down, the same step is asked again, and the number typed is kept', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
    ]);
    const replies = await bot.say(FREE_FARE_STORY);
    const text = replies.join('\n');
    expect(text).not.toMatch(SERVICE_ERROR);
    expect(text).not.toMatch(LOST_CARD);
    expect(replies.at(-1)).toMatch(ASKS_EXPIRY);
    expect(await savedDocuments(t, id)).toEqual([]);

    const asked = await bot.say(SHOW_DOCUMENT_STORY);
    expect(asked.join('\n')).toMatch(/link/i);
    expect(asked.at(-1)).toMatch(ASKS_EXPIRY);

    await play(bot, [
      ['10/10/2030', [/Quer anexar uma foto ou PDF/]],
      ['pula', [/Confira os dados:/, /Validade: 10\/10\/2030/, /Posso salvar\?/]],
      ['sim', [/Documento salvo/, MENU]],
    ]);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'cnh', number: cnh.numberExample }]);
    expect(await cardStates(t, id)).toEqual([ACTIVE_CARD]);
  });
});
