import { linkedCitizen } from '../support/bot-citizens';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 17: no wrong action. A request refused in words, a question announced as a wish to know, a question about
 * someone else's card, a save told as done and a question about how the app does something ask for nothing to be
 * done or shown: the bot answers what was asked and acts on nothing else.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { FAQ_SEARCH_RATE_LIMIT: '100000' } });
});
afterAll(async () => {
  await t.close();
});

const BALANCE = /Saldo do seu cartão/;
const BLOCK_CONFIRM = /Confirma o bloqueio/;

describe('questions and refusals are not requests', () => {
  it('a refused balance is not shown: the question wanted after it is answered', async () => {
    const { bot } = await linkedCitizen(t);
    const [reply] = await bot.say('nao quero ver o saldo nao, quero saber qto ta a passagem');
    expect(reply).not.toMatch(BALANCE);
  });

  it('"nao precisa me avisar de nada, so quero saber meu saldo" shows the balance and changes no notice', async () => {
    const { bot } = await linkedCitizen(t);
    const [reply] = await bot.say('nao precisa me avisar de nada nao, so quero saber meu saldo msm');
    expect(reply).toMatch(BALANCE);
    expect(reply).not.toMatch(/desliguei|liguei|aviso/i);
  });

  it('"queria saber quais documentos da pra guardar" is a question, not a call for help or a listing', async () => {
    const { bot } = await linkedCitizen(t);
    const [reply] = await bot.say('so queria saber quais documentos da pra guardar');
    expect(reply).not.toMatch(/Você pode escolher pelo número|Seus documentos/);
  });

  it("a question about someone else's stolen card blocks nothing and offers no block of the citizen's card", async () => {
    const { bot } = await linkedCitizen(t);
    const [reply] = await bot.say('roubaram o cartao do meu filho, como ele bloqueia o dele?');
    expect(reply).not.toMatch(BLOCK_CONFIRM);
    expect(reply).not.toMatch(/Qual cartão/);
  });

  it('a save told as done ("ja salvei meu cpf ontem ne?") starts no save', async () => {
    const { bot } = await linkedCitizen(t);
    const [reply] = await bot.say('ja salvei meu cpf ontem ne?');
    expect(reply).not.toMatch(/Qual é o número do documento/);
  });

  it('"da pra ver o extrato pelo app?" asks how the app does it: answered, no statement shown', async () => {
    const { bot } = await linkedCitizen(t);
    const [reply] = await bot.say('da pra ver o extrato pelo app?');
    expect(reply).not.toMatch(/Últimas movimentações/);
    expect(reply).toMatch(/No app, abra o cartão e toque em "Extrato"/);
  });

  it('at the block confirmation a hypothetical or a worry about the balance blocks nothing and keeps the confirmation', async () => {
    const { bot } = await linkedCitizen(t);
    expect((await bot.say('perdi meu cartao'))[0]).toMatch(BLOCK_CONFIRM);
    for (const question of ['mas e se eu achar ele depois?', 'vou perder o saldo q tinha nele?']) {
      const [reply] = await bot.say(question);
      expect(reply).not.toMatch(/bloqueado\. ✅|Até mais|Responda "sim"/);
      expect(reply).toMatch(BLOCK_CONFIRM);
    }
    expect((await bot.say('nao'))[0]).toMatch(/continua ativo/);
  });
});
