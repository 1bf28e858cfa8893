import { TestClock } from '../../src/shared/clock';
import { findDocumentType } from '../../src/documents/document-types';
import type { BotHarness } from '../support/bot-harness';
import { listedCards, linkedCitizen, savedDocuments } from '../support/bot-citizens';
import { startTestApp, type TestApp } from '../support/test-app';
import { MENU, play } from '../support/transcript';

/**
 * Digressions and paused flows (issue 17, points 3 and 4), as a citizen types them: a question in the middle of a flow
 * is answered and the same step asked again; a new request is served and the flow offered back; three misses or a
 * goodbye pause the flow with what was typed; "não" to the offer drops it. Real services and database: what was
 * saved or blocked is read back through the services. Time is the app's TestClock, moved instead of waited for.
 */

const clock = new TestClock();
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock, env: { FAQ_SEARCH_RATE_LIMIT: '100000', BOT_IDLE_MINUTES: '30' } });
});
afterAll(async () => {
  await t.close();
});

const MINUTE = 60_000;
const cnh = findDocumentType('cnh')!;
const ASKS_NUMBER = /Qual é o número do documento \(CNH\)\?/;
const ASKS_EXPIRY = /Qual é a data de validade\?/;
const ASKS_ATTACHMENT = /Quer anexar uma foto ou PDF/;
const OFFER = /Quer continuar salvando sua CNH de onde parou\?/;
/** Shaped as a question, read as one by the network, and answered by no FAQ entry with certainty. */
const VAGUE_QUESTION = 'como funciona o negocio do beneficio?';

/** From the expiry step on: a date, no file, confirmed. */
async function finishFromExpiry(bot: BotHarness): Promise<void> {
  await play(bot, [
    ['10/10/2030', [ASKS_ATTACHMENT]],
    ['pula', [/Confira os dados:/, /Número: •+2842/, /Validade: 10\/10\/2030/, /Posso salvar\?/]],
    ['sim', [/Documento salvo/, MENU]],
  ]);
}

describe('a question in the middle of a flow', () => {
  it('that the FAQ is not sure of shows no answer: it says so, asks the same step again, and it is no miss', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      ['abc', [/Número de CNH inválido/, ASKS_NUMBER]],
      [VAGUE_QUESTION, [/Não encontrei uma resposta certa/, ASKS_NUMBER]],
      // Had the question counted as a miss, this third one would pause the flow.
      ['xyz', [/Número de CNH inválido/, ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
    ]);
    await finishFromExpiry(bot);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'cnh', number: cnh.numberExample }]);
  });

  it('at the CNH number step is answered from the FAQ, the same step is asked again, and it is no miss', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      ['abc', [/Número de CNH inválido/, ASKS_NUMBER]],
      ['qnto custa a passagem?', [/tarifas/, /Voltando ao que estávamos fazendo/, ASKS_NUMBER]],
      // Had the question counted as a miss, this third one would pause the flow.
      ['xyz', [/Número de CNH inválido/, ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
    ]);
    expect(await savedDocuments(t, id)).toEqual([]);
    await finishFromExpiry(bot);
    const saved = await savedDocuments(t, id);
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ type: 'cnh', number: cnh.numberExample });
  });
});

describe('questions as citizens type them, in the middle of a flow', () => {
  it('"o documento digital vale igual o papel?" at the expiry step is answered, the expiry asked again, the number kept', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
      [
        'o documento digital vale igual o papel?',
        [/quem decide se aceita a versão digital/, /Voltando ao que estávamos/, ASKS_EXPIRY],
      ],
    ]);
    await finishFromExpiry(bot);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'cnh', number: cnh.numberExample }]);
  });

  it('a question with no question mark that ends asking ("... como eu corrijo") is answered at the number step, and is no miss', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      ['abc', [/Número de CNH inválido/, ASKS_NUMBER]],
      ['botei a data de validade errada como eu corrijo', [/toque em "Editar"/, /Voltando ao que estávamos/, ASKS_NUMBER]],
      // Had the question counted as a miss, this third one would pause the flow.
      ['xyz', [/Número de CNH inválido/, ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
    ]);
    await finishFromExpiry(bot);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'cnh', number: cnh.numberExample }]);
  });

  it('"se eu bloquear o cartao perco o dinheiro q tinha nele?" at the reason step is answered; the card is blocked only after the yes', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero bloquear meu cartao', [/Qual o motivo do cancelamento do cartão/]],
      [
        'se eu bloquear o cartao perco o dinheiro q tinha nele?',
        [/nasce com todo o saldo/, /Voltando ao que estávamos/, /Qual o motivo do cancelamento do cartão/],
      ],
    ]);
    expect((await listedCards(t, id)).map((c) => c.status)).toEqual(['active']);
    await play(bot, [
      ['perda', [/Confirma o bloqueio do cartão •••• \d{4} por perda\?/]],
      ['sim', [/bloqueado/i]],
    ]);
    expect((await listedCards(t, id)).map((c) => c.status)).toEqual(['blocked']);
  });

  it("a question that names no topic is searched with the flow's when it finds no sure answer alone; one sure alone keeps its answer", async () => {
    const { id, bot } = await linkedCitizen(t);
    const EXPIRED = /A Carteira mostra a data de validade/;
    // At the menu, with no task under way, it names nothing the FAQ is sure of: only suggestions.
    expect((await bot.say('e se ela ja estiver vencida?')).join('\n')).not.toMatch(EXPIRED);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      // While a document is being saved, "ela" is the document: the expired-document entry is sure with that topic.
      ['e se ela ja estiver vencida?', [EXPIRED, /Voltando ao que estávamos/, ASKS_NUMBER]],
      // Sure on its own (creating an account), it is not pulled to saving a document by the flow's topic.
      ['como faço meu cadastro nesse app?', [/escolha "Criar conta"/, /Voltando ao que estávamos/, ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
    ]);
    await finishFromExpiry(bot);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'cnh', number: cnh.numberExample }]);
  });

  it('"kkk" or "ok" at the number step gets no FAQ answer: the step is asked again', async () => {
    const { bot } = await linkedCitizen(t);
    await play(bot, [['quero salvar minha cnh', [ASKS_NUMBER]]]);
    for (const reaction of ['kkk', 'ok']) {
      const [reply] = await bot.say(reaction);
      expect(reply).not.toMatch(/Voltando ao que estávamos/);
      expect(reply).toMatch(ASKS_NUMBER);
    }
  });
});

describe('a new request in the middle of a flow', () => {
  it('"na verdade quero ver meu saldo" at the expiry step shows the balance, offers the flow back, and "continuar" resumes it with the number kept', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
      ['na verdade quero ver meu saldo', [/Saldo do seu cartão/, /R\$ 0,00/, OFFER]],
    ]);
    expect(bot.buttons()).toEqual(['Continuar', 'Não']);
    expect(await savedDocuments(t, id)).toEqual([]);
    await play(bot, [['continuar', [/vamos continuar de onde paramos/, ASKS_EXPIRY]]]);
    await finishFromExpiry(bot);
    const saved = await savedDocuments(t, id);
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ type: 'cnh', number: cnh.numberExample });
    expect(String(saved[0].expiresAt)).toContain('2030-10-10');
  });

  it('at a block confirmation, questions and requests are never taken as a yes: the card stays active until the citizen says no', async () => {
    const { id, bot } = await linkedCitizen(t);
    const [card] = await listedCards(t, id);
    const last4 = card.number.slice(-4);
    const confirmation = new RegExp(`Confirma o bloqueio do cartão •••• ${last4} por perda\\?`);
    await play(bot, [['perdi meu cartao', [confirmation]]]);
    expect(bot.buttons()).toEqual(['Sim', 'Não']);
    await play(bot, [
      ['qual o horario de atendimento?', [/Não encontrei uma resposta certa/, confirmation]],
      ['na verdade quero ver meu saldo', [/Saldo do seu cartão/, /Quer continuar bloqueando seu cartão de onde parou\?/]],
    ]);
    expect((await listedCards(t, id)).map((c) => c.status)).toEqual(['active']);
    // Back at the confirmation: it is asked again, and only an explicit answer decides.
    await play(bot, [
      ['continuar', [/vamos continuar de onde paramos/, confirmation]],
      ['extrato do cartao', [/cartão •••• \d{4}|movimenta/i, /Quer continuar bloqueando seu cartão de onde parou\?/]],
      ['continuar', [/vamos continuar de onde paramos/, confirmation]],
      ['nao', [/NÃO foi bloqueado|continua ativo|não foi bloqueado/i]],
    ]);
    expect((await listedCards(t, id)).map((c) => c.status)).toEqual(['active']);
  });
});

describe('a change of mind opened by "não"', () => {
  it('"nao pera so quero ver o saldo msm" at the reason step shows the balance and blocks nothing; "não" drops the block', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero bloquear meu cartao', [/Qual o motivo do cancelamento do cartão/]],
      ['nao pera so quero ver o saldo msm', [/Saldo do seu cartão/, /Quer continuar bloqueando seu cartão de onde parou\?/]],
      ['nao vlw', [MENU]],
    ]);
    expect((await listedCards(t, id)).map((c) => c.status)).toEqual(['active']);
  });
});

describe('nothing typed is lost', () => {
  it('three misses pause the flow with its data; the next message offers it back and "continuar" resumes at the same step', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
      ['hmm', [/data/i, ASKS_EXPIRY]],
      ['sei la', [/data/i, ASKS_EXPIRY]],
      ['vixe', [/pausei/, /salvando sua CNH/, /Guardei o que você já informou/]],
    ]);
    expect(await savedDocuments(t, id)).toEqual([]);
    clock.advance(10 * MINUTE);
    await play(bot, [
      ['oi', [OFFER]],
      ['continuar', [/vamos continuar de onde paramos/, ASKS_EXPIRY]],
    ]);
    await finishFromExpiry(bot);
    const saved = await savedDocuments(t, id);
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ type: 'cnh', number: cnh.numberExample });
  });

  it('"não" to the offer drops the paused flow plainly and nothing is saved; a goodbye pauses it too', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
      ['tchau ate mais', [/salvando sua CNH/, /guardei o que já informou/]],
      ['oi', [OFFER]],
      ['nao', [/deixei de lado/, /NÃO salvei sua CNH/, MENU]],
    ]);
    // Dropped: "continuar" no longer brings it back.
    const replies = await bot.say('continuar');
    expect(replies.join('\n')).not.toMatch(ASKS_EXPIRY);
    expect(await savedDocuments(t, id)).toEqual([]);
  });

  it('a paused flow is offered only within the idle window', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
      ['tchau ate mais', [/guardei o que já informou/]],
    ]);
    clock.advance(31 * MINUTE);
    const replies = await bot.say('oi');
    expect(replies.join('\n')).not.toMatch(OFFER);
    expect(await savedDocuments(t, id)).toEqual([]);
  });
});

describe('words that leave a flow or do not', () => {
  it('"continuar" alone at a step cancels nothing: the step is asked again and the document is saved after', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      ['continuar', [ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
    ]);
    await finishFromExpiry(bot);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'cnh', number: cnh.numberExample }]);
  });

  it('"continuar" at a block confirmation is no yes and no cancel: the card stays active until "sim"', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero bloquear meu cartao', [/Qual o motivo/]],
      ['perda', [/Confirma o bloqueio/]],
      ['continuar', [/Responda "sim" para bloquear/, /Confirma o bloqueio/]],
    ]);
    expect((await listedCards(t, id)).map((card) => card.status)).toEqual(['active']);
    await play(bot, [['sim', [/bloqueado\. ✅ Protocolo/]]]);
    expect((await listedCards(t, id)).map((card) => card.status)).toEqual(['blocked']);
  });

  it('"depois eu vejo isso" pauses the flow with its data; "continuar" resumes it at the same step', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
      ['depois eu vejo isso', [/salvando sua CNH/, /guardei o que já informou/]],
    ]);
    expect(await savedDocuments(t, id)).toEqual([]);
    await play(bot, [
      ['oi', [OFFER]],
      ['continuar', [/vamos continuar/, ASKS_EXPIRY]],
    ]);
    await finishFromExpiry(bot);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'cnh', number: cnh.numberExample }]);
  });

  it('the confirmation of a sentence-like name pauses and resumes like any step, the name kept until confirmed', async () => {
    const { id, bot } = await linkedCitizen(t);
    const name = 'é a carteirinha que eu uso pra entrar no clube';
    const CONFIRMS_NAME = new RegExp(`Guardar com o nome "${name}"\\?`);
    await play(bot, [
      ['salvar outro documento', [/Qual é o nome desse documento\?/]],
      [name, [CONFIRMS_NAME]],
      ['depois eu vejo isso', [/salvando seu documento/, /guardei o que já informou/]],
      ['oi', [/Quer continuar salvando seu documento de onde parou\?/]],
      ['continuar', [/vamos continuar/, CONFIRMS_NAME]],
      ['sim', [/número do documento \(Outro\)/]],
      ['88213', [/data de validade/]],
      ['pular', [ASKS_ATTACHMENT]],
      ['pula', [/Confira os dados:/]],
      ['sim', [/Documento salvo/]],
    ]);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'outro', label: name, number: '88213' }]);
  });
});
