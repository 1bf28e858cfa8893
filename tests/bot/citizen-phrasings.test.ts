import { TestClock } from '../../src/shared/clock';
import type { BotHarness } from '../support/bot-harness';
import { listedCards, linkedCitizen, savedDocuments } from '../support/bot-citizens';
import { startTestApp, type TestApp } from '../support/test-app';
import { MENU, play } from '../support/transcript';

/**
 * Conversations written for the understanding work of issue 17 (not taken from the evaluation set), typed as citizens
 * type: a greeting before the request, a request or a remark where a step waits for an answer, a vague follow-up
 * question, the issuing state named in the request, the same flow asked for again while paused. What was saved or
 * blocked is read back through the services.
 */

const clock = new TestClock();
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock, env: { FAQ_SEARCH_RATE_LIMIT: '100000', BOT_IDLE_MINUTES: '30' } });
});
afterAll(async () => {
  await t.close();
});

/** A linked citizen and the last digits of the only card a new account has. */
async function linkedCitizenAndCard(): Promise<{ id: string; bot: BotHarness; last4: string }> {
  const { id, bot } = await linkedCitizen(t);
  const [card] = await listedCards(t, id);
  return { id, bot, last4: card.number.slice(-4) };
}

describe('a greeting that opens the message', () => {
  it('gives way to the request after it, even mistyped', async () => {
    const { id, bot, last4 } = await linkedCitizenAndCard();
    await play(bot, [['bom diaa queria saber meu sado', [new RegExp(`Saldo[\\s\\S]*•••• ${last4}`), MENU]]]);
    expect((await listedCards(t, id)).map((c) => c.status)).toEqual(['active']);
  });
});

describe('in the middle of the block flow', () => {
  it('a remark about something else is declined in a word, the confirmation asked again; nothing blocked until yes', async () => {
    const { id, bot, last4 } = await linkedCitizenAndCard();
    const confirm = new RegExp(`Confirma o bloqueio do cartão •••• ${last4} por perda\\?`);
    await play(bot, [
      ['perdi meu cartao', [confirm]],
      ['nossa o transito hoje ta horrivel', [/Com isso eu não consigo ajudar/, confirm]],
    ]);
    expect((await listedCards(t, id)).map((c) => c.status)).toEqual(['active']);
    await play(bot, [['demorou', [new RegExp(`Cartão •••• ${last4} bloqueado`)]]]);
    expect((await listedCards(t, id)).map((c) => c.status)).toEqual(['blocked']);
  });

  it('a vague follow-up question gets no answer as if sure, and the card stays active', async () => {
    const { id, bot, last4 } = await linkedCitizenAndCard();
    const confirm = new RegExp(`Confirma o bloqueio do cartão •••• ${last4} por roubo ou furto\\?`);
    await play(bot, [
      ['meu cartao foi furtado', [confirm]],
      ['e o valor como fica?', [/Não encontrei uma resposta certa/, confirm]],
      ['nao pera', [/o cartão continua ativo/, MENU]],
    ]);
    expect((await listedCards(t, id)).map((c) => c.status)).toEqual(['active']);
  });
});

describe('at the menu', () => {
  it('a vague follow-up question is offered the closest questions, never answered as if sure', async () => {
    const { bot } = await linkedCitizenAndCard();
    await play(bot, [['e o valor como fica?', [/Alguma destas perguntas ajuda\?[\s\S]*Quanto custa a passagem\?/]]]);
  });

  it('a new request at the FAQ suggestions leaves them and is served', async () => {
    const { bot, last4 } = await linkedCitizenAndCard();
    await play(bot, [
      ['e o valor como fica?', [/Alguma destas perguntas ajuda\?/]],
      ['ta e qual meu saldo agora', [new RegExp(`Saldo[\\s\\S]*•••• ${last4}`), MENU]],
    ]);
  });
});

describe('saving a document', () => {
  it('the issuing state named in the request is not asked again; "depois" skips the file', async () => {
    const { id, bot } = await linkedCitizenAndCard();
    await play(bot, [
      ['quero salvar meu rg do rio numero 21.684.357-2', [/data de validade/]],
      ['nao tem', [/anexar/]],
      ['depois', [/Confira os dados:[\s\S]*RJ/]],
      ['e isso', [/Documento salvo/]],
    ]);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'rg', number: '216843572', issuerState: 'RJ' }]);
  });

  it('a card request at the name step of "outro" is served with the flow paused, never proposed as a name', async () => {
    const { id, bot } = await linkedCitizenAndCard();
    await play(bot, [
      ['quero guardar outro tipo de documento', [/Qual é o nome desse documento\?/]],
      ['me mostra meu extrato', [/Quer continuar salvando seu documento de onde parou\?/]],
      ['nao', [/NÃO salvei seu documento/]],
    ]);
    expect(await savedDocuments(t, id)).toEqual([]);
  });

  it('asking for the same flow afresh replaces its paused copy, which is not offered back afterwards', async () => {
    const { id, bot } = await linkedCitizenAndCard();
    await play(bot, [
      ['salvar titulo de eleitor', [/número do documento \(Título de eleitor\)/]],
      ['tenho q sair agora tchau', [/guardei o que já informou/]],
      ['quero salvar meu cpf', [/número do documento \(CPF\)/]],
      ['526.018.159-06', [/anexar/]],
      ['pula', [/Posso salvar\?/]],
    ]);
    const replies = (await bot.say('sim')).join('\n');
    expect(replies).toMatch(/Documento salvo/);
    expect(replies).not.toMatch(/Quer continuar/);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'cpf', number: '52601815906' }]);
  });
});
