import { TestClock } from '../../src/shared/clock';
import { findDocumentType } from '../../src/documents/document-types';
import { BotHarness } from '../support/bot-harness';
import { listedCards, linkedCitizen, savedDocuments } from '../support/bot-citizens';
import { startTestApp, type TestApp } from '../support/test-app';
import { MENU, play } from '../support/transcript';

/**
 * Behaviours found by talking to the bot as citizens do (issue 17, third round): several requests in one message, a
 * value typed at the menu after a flow paused, a new request mid-flow that pauses it and offers it back. Real services
 * and database: what was saved or blocked is read back through the services.
 */

const clock = new TestClock();
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock, env: { FAQ_SEARCH_RATE_LIMIT: '100000', BOT_IDLE_MINUTES: '30' } });
});
afterAll(async () => {
  await t.close();
});

const cnh = findDocumentType('cnh')!;
const ASKS_NUMBER = /Qual é o número do documento \(CNH\)\?/;
const ASKS_EXPIRY = /Qual é a data de validade\?/;
const ASKS_ATTACHMENT = /Quer anexar uma foto ou PDF/;

describe('several requests in one message', () => {
  it('"ver meu saldo e bloquear o cartao": the balance first, then the block asked for, blocked only on a yes', async () => {
    const { id, bot } = await linkedCitizen(t);
    const [card] = await listedCards(t, id);
    const last4 = card.number.slice(-4);
    await play(bot, [
      [
        'ver meu saldo e bloquear o cartao',
        [/Saldo do seu cartão/, /R\$ 0,00/, /seu outro pedido: o bloqueio do cartão/, /Qual o motivo/],
      ],
    ]);
    expect((await listedCards(t, id)).map((c) => c.status)).toEqual(['active']);
    await play(bot, [
      ['perdi', [new RegExp(`Confirma o bloqueio do cartão •••• ${last4} por perda\\?`)]],
      ['sim', [/bloqueado/, MENU]],
    ]);
    expect((await listedCards(t, id)).map((c) => c.status)).toEqual(['blocked']);
  });

  it('"quero ver meu saldo e meus documentos tb" shows both; a story after a block request queues nothing', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero ver meu saldo e meus documentos tb', [/Saldo do seu cartão/, /seu outro pedido: seus documentos/, MENU]],
    ]);
    // "meu saldo vai sumir?" asks about the loss: no balance is asked for.
    const replies = await bot.say('perdi meu cartao, meu saldo vai sumir?');
    expect(replies.join('\n')).not.toMatch(/Saldo do seu cartão|outro pedido/);
    expect(replies.join('\n')).toMatch(/Confirma o bloqueio/);
    await play(bot, [['nao', [/continua ativo/]]]);
    expect((await listedCards(t, id)).map((c) => c.status)).toEqual(['active']);
  });

  it('cancelling the first request drops the next one too, and says so', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero bloquear meu cartao e depois ver o extrato', [/Qual o motivo/]],
      ['cancelar', [/NÃO foi bloqueado/, /outro pedido da sua mensagem/, MENU]],
    ]);
    expect((await listedCards(t, id)).map((c) => c.status)).toEqual(['active']);
    expect(await savedDocuments(t, id)).toEqual([]);
  });
});

describe('a new request in the middle of a flow', () => {
  it('"perdi meu riocard" at the expiry step: the block is served (not confirmed), then the save is offered back and finished', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
      ['perdi meu riocard', [/Confirma o bloqueio do cartão •••• \d{4} por perda\?/]],
      ['nao', [/continua ativo/, /Quer continuar salvando sua CNH de onde parou\?/]],
    ]);
    expect((await listedCards(t, id)).map((c) => c.status)).toEqual(['active']);
    await play(bot, [
      ['sim', [/vamos continuar de onde paramos/, ASKS_EXPIRY]],
      ['10/10/2030', [ASKS_ATTACHMENT]],
      ['pula', [/Confira os dados:/, /Posso salvar\?/]],
      ['sim', [/Documento salvo/, MENU]],
    ]);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'cnh', number: cnh.numberExample }]);
  });

  it('"cancelar" at the block confirmation of that request also offers the paused save back', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
      ['perdi meu riocard', [/Confirma o bloqueio/]],
      ['cancelar', [/NÃO foi bloqueado/, /Quer continuar salvando sua CNH de onde parou\?/]],
      ['continuar', [/vamos continuar de onde paramos/, ASKS_EXPIRY]],
    ]);
    expect((await listedCards(t, id)).map((c) => c.status)).toEqual(['active']);
    expect(await savedDocuments(t, id)).toEqual([]);
  });
});

describe('a value typed at the menu after a flow paused', () => {
  it('"12/2030" after the save paused at the date step is offered to it, and "sim" goes on with it as the answer', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
      ['depois eu vejo isso', [/guardei o que já informou/]],
      ['10/12/2030', [/Você estava salvando sua CNH\. Quer continuar usando "10\/12\/2030" como resposta\?/]],
    ]);
    expect(bot.buttons()).toEqual(['Continuar', 'Não']);
    await play(bot, [
      ['sim', [/vamos continuar de onde paramos/, ASKS_ATTACHMENT]],
      ['pula', [/Confira os dados:/, /Validade: 10\/12\/2030/, /Posso salvar\?/]],
      ['sim', [/Documento salvo/, MENU]],
    ]);
    const saved = await savedDocuments(t, id);
    expect(saved).toMatchObject([{ type: 'cnh', number: cnh.numberExample }]);
    expect(String(saved[0].expiresAt)).toContain('2030-12-10');
  });

  it('"nao" to that offer drops the paused save: nothing is saved', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
      ['depois eu vejo isso', [/guardei o que já informou/]],
      ['12/2030', [/Quer continuar usando "12\/2030" como resposta\?/]],
      ['nao', [/NÃO salvei sua CNH/, MENU]],
    ]);
    expect(await savedDocuments(t, id)).toEqual([]);
  });
});

describe('the FAQ in the chat', () => {
  it('a bare keyword ("tarifa") gets the closest questions, not one answer as if sure; asked as a question it is answered', async () => {
    const bot = new BotHarness(t);
    await play(bot, [['tarifa', [/Alguma destas perguntas ajuda\?/]]]);
    expect(bot.buttons()).toContain('Nenhuma destas');
    await play(new BotHarness(t), [['qual o valor da tarifa?', [/valores das tarifas/]]]);
  });

  it('at the suggestions, a reply about another topic is searched as a new question instead of refused as a wrong pick', async () => {
    const bot = new BotHarness(t);
    await play(bot, [['senha', [/Alguma destas perguntas ajuda\?/]]]);
    expect(bot.buttons().join(' ')).toMatch(/senha/i);
    const replies = await bot.say('gratuidade idosos');
    expect(replies.join('\n')).not.toMatch(/Escolha uma das opções/);
    expect(replies.join('\n')).toMatch(/idos|gratuidade|65/i);
  });

  it('an answer written with backticks shows the command in quotes on a plain channel, never the backticks', async () => {
    const bot = new BotHarness(t);
    const replies = await bot.say('como vinculo o chat na minha conta?');
    expect(replies.join('\n')).toMatch(/envie "vincular <código>"/);
    expect(replies.join('\n')).not.toContain('`');
  });
});

describe('free-text answers that are no answer', () => {
  it('"sim" at the number step of "outro" is no number: refused, and the number typed next is the one saved', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['salvar documento', [/Qual documento você quer salvar\?/]],
      ['outro', [/Qual é o nome desse documento\?/]],
      ['carteira de trabalho', [/Qual é o número do documento/]],
      ['sim', [/Não reconheci um número aí/, /Qual é o número do documento/]],
      ['1234567 serie 0020', [/Qual é a data de validade\?/]],
      ['pula', [ASKS_ATTACHMENT]],
      ['pula', [/Confira os dados:/, /Posso salvar\?/]],
      ['pode salvar', [/Documento salvo/]],
    ]);
    expect(await savedDocuments(t, id)).toMatchObject([
      { type: 'outro', label: 'carteira de trabalho', number: '1234567 serie 0020' },
    ]);
  });

  it('a lone "tchau" at a step pauses the flow as a goodbye, not as a third miss', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero guardar minha CNH', [ASKS_NUMBER]],
      ['12345', [/Número de CNH inválido/, ASKS_NUMBER]],
      ['tchau', [/Tudo bem! Você estava salvando sua CNH: guardei o que já informou/]],
    ]);
    expect(await savedDocuments(t, id)).toEqual([]);
  });
});
