import { INTERNAL_REQUEST } from '../../src/shared/request-info';
import { BotHarness } from '../support/bot-harness';
import { citizenWithCards, inContext, linkedBot } from '../support/bot-citizens';
import { startTestApp, type TestApp } from '../support/test-app';
import { MENU, play } from '../support/transcript';

/**
 * Issue 17, point 6 (the FAQ side): at the menu a question goes to the FAQ before the keyword of a request, a long
 * voice-typed story is answered or narrowed down, and reactions never get an answer from the FAQ.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { FAQ_SEARCH_RATE_LIMIT: '100000' } });
});
afterAll(async () => {
  await t.close();
});

const NOT_A_FAQ_ANSWER = /^(Desculpe, não entendi|Certo! 😊 Posso ajudar em algo mais|Por nada|Olá)/;

async function linkedCitizenWithCpf(): Promise<{ bot: BotHarness; cpfTail: string }> {
  const { id } = await citizenWithCards(t);
  await inContext(t, () =>
    t.app.services.documents.create({ id, role: 'citizen' }, { type: 'cpf', number: '23276844982' }, INTERNAL_REQUEST),
  );
  return { bot: await linkedBot(t, id), cpfTail: '449' };
}

describe('a question at the menu goes to the FAQ before a request with the same words', () => {
  it('"quais documentos preciso levar pra tirar a identidade?" is answered; "quais documentos eu tenho salvo?" lists them', async () => {
    const { bot, cpfTail } = await linkedCitizenWithCpf();
    const replies = await bot.say('quais documentos preciso levar pra tirar a identidade?');
    expect(replies[0]).toMatch(/identidade|RG/);
    expect(replies.join('\n')).not.toMatch(/Seus documentos/);
    expect(replies.at(-1)).toMatch(MENU);

    const listed = await bot.say('e quais documentos eu tenho salvo aqui?');
    expect(listed[0]).toMatch(/Seus documentos/);
    expect(listed[0]).toContain(cpfTail);
  });

  it('"quais comandos vc entende" gets the FAQ entry about the chat; "ajuda" still explains the menu', async () => {
    const bot = new BotHarness(t);
    const replies = await bot.say('quais comandos vc entende');
    expect(replies[0]).not.toMatch(/Você pode escolher pelo número/);
    expect(replies[0]).toMatch(/menu/i);
    await play(bot, [['ajuda', [/Você pode escolher pelo número/, MENU]]]);
  });

  it('a request worded as a question the FAQ cannot answer is still served', async () => {
    const { bot } = await linkedCitizenWithCpf();
    await play(bot, [['quais documentos tao vencendo', [/Seus documentos/]]]);
  });
});

describe('long messages', () => {
  it('a 700-character voice-typed story ending in the question is answered, never a service error', async () => {
    const story =
      'boa tarde iplani entao é o seguinte eu tenho um cartao aqui na carteira que eu uso todo dia pra ir pro trabalho ' +
      'e semana passada eu fiz uma recarga de cinquenta reais pelo app e apareceu que deu certo mas quando eu fui ver o ' +
      'saldo no dia seguinte tava o mesmo valor de antes e eu nao sei se eu perdi esse dinheiro ou se demora pra cair ' +
      'porque eu ja tentei ver no app e nao achei nada e a minha comadre falou que com ela aconteceu a mesma coisa e ela ' +
      'teve que ir num posto mas eu trabalho o dia inteiro e nao tenho tempo de ir em posto nenhum entao queria saber ' +
      'se da pra resolver por aqui mesmo ou o que eu tenho que fazer ja que o dinheiro saiu da minha conta sim eu vi no ' +
      'aplicativo do banco hoje de manha';
    expect(story.length).toBeGreaterThan(700);
    const bot = new BotHarness(t);
    const replies = await bot.say(story);
    expect(replies.join('\n')).not.toMatch(/não consegui consultar|problema para concluir|não entendi/);
    // The answer itself, not suggestions that merely mention the statement.
    expect(replies[0]).toMatch(/toda recarga confirmada aparece/);
  });
});

describe('reactions at the menu', () => {
  it.each(['sim', 'ok', 'valeu', 'kkk', '👍', 'rsrs', 'blz'])('"%s" never gets an answer from the FAQ', async (text) => {
    const bot = new BotHarness(t);
    const replies = await bot.say(text);
    expect(replies[0]).toMatch(NOT_A_FAQ_ANSWER);
  });
});
