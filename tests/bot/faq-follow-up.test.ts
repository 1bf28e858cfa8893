import { BotHarness } from '../support/bot-harness';
import { linkedCitizen } from '../support/bot-citizens';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 17, points 3 and 6: a short follow-up right after a FAQ answer ("e pra idoso?") is read with the question just
 * answered, and answered only when the FAQ is sure; a follow-up that is a request stays one.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { FAQ_SEARCH_RATE_LIMIT: '100000' } });
});
afterAll(async () => {
  await t.close();
});

const STUDENTS = /Estudantes da rede pública/;
const ELDERLY = /pessoas idosas têm direito à gratuidade/;
const DISABLED = /Pessoas com deficiência/;
const ANY_GRATUITY = /gratuidade/;
const FARES = /Os valores das tarifas mudam/;

describe('a follow-up right after a FAQ answer', () => {
  it('"e pra idoso?" after "estudante tem gratuidade?" gets the elderly entry, and "e pra pcd?" after it the disability one', async () => {
    const bot = new BotHarness(t);
    expect((await bot.say('estudante tem gratuidade?'))[0]).toMatch(STUDENTS);
    expect((await bot.say('e pra idoso?'))[0]).toMatch(ELDERLY);
    expect((await bot.say('e pra pcd?'))[0]).toMatch(DISABLED);
  });

  it('"e no metro?" after the fare is answered with the fare entry, which covers the metro too', async () => {
    const bot = new BotHarness(t);
    expect((await bot.say('quanto custa a passagem?'))[0]).toMatch(FARES);
    expect((await bot.say('e no metro?'))[0]).toMatch(FARES);
  });

  it('is not read with a FAQ answer given before the turn right before', async () => {
    const bot = new BotHarness(t);
    expect((await bot.say('quanto custa a passagem?'))[0]).toMatch(FARES);
    await bot.say('oi');
    expect((await bot.say('e no metro?'))[0]).not.toMatch(FARES);
  });

  it('"e meu saldo?" stays a request', async () => {
    const { bot } = await linkedCitizen(t);
    expect((await bot.say('estudante tem gratuidade?'))[0]).toMatch(STUDENTS);
    const replies = await bot.say('e meu saldo?');
    expect(replies.join('\n')).toMatch(/saldo/i);
    expect(replies.join('\n')).not.toMatch(ANY_GRATUITY);
  });

  it.each(['e a pizza?', 'e ai?', 'e o tempo?', 'e no metro?'])(
    '"%s" after a FAQ answer gets no sure answer from it',
    async (text) => {
      const bot = new BotHarness(t);
      expect((await bot.say('estudante tem gratuidade?'))[0]).toMatch(STUDENTS);
      const replies = await bot.say(text);
      expect(replies.join('\n')).not.toMatch(STUDENTS);
      expect(replies[0]).not.toMatch(ANY_GRATUITY);
    },
  );

  it.each(['e a pizza?', 'e o vasco?', 'e ai?'])('"%s" after the fare does not get the fare again', async (text) => {
    const bot = new BotHarness(t);
    expect((await bot.say('quanto custa a passagem?'))[0]).toMatch(FARES);
    expect((await bot.say(text)).join('\n')).not.toMatch(FARES);
  });
});
