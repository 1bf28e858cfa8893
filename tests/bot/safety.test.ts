import { BotHarness } from '../support/bot-harness';
import {
  ACTIVE_CARD,
  cardsByLastDigits,
  citizenWithCards,
  linkedBot,
  linkedCitizen,
  savedDocumentDetails,
} from '../support/bot-citizens';
import { startTestApp, type TestApp } from '../support/test-app';
import { MENU, play } from '../support/transcript';

/**
 * Issue 17, point 5: the block flow is safe. A card is blocked only for the card the citizen named, with the reason
 * they gave, after an explicit "sim"; a named card that is not active is said so and never swapped for another;
 * leaving the flow says plainly that nothing was blocked. Every outcome is read back through the services (the
 * citizen's data export carries each card's status and its block record), not only from the replies.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { FAQ_SEARCH_RATE_LIMIT: '100000' } });
});
afterAll(async () => {
  await t.close();
});

describe('blocking a card is safe', () => {
  it('"perdi meu cartao final 4868" goes straight to the confirmation for that card; "sim" blocks it as lost', async () => {
    const { id, bot } = await linkedCitizen(t, ['1357', '4868']);
    await play(bot, [['perdi meu cartao final 4868', [/^Confirma o bloqueio do cartão •••• 4868 por perda\?/]]]);
    expect(bot.buttons()).toEqual(['Sim', 'Não']);
    expect(await cardsByLastDigits(t, id)).toEqual({ '1357': ACTIVE_CARD, '4868': ACTIVE_CARD });
    await play(bot, [['sim', [/Cartão •••• 4868 bloqueado\. ✅ Protocolo/, MENU]]]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '1357': ACTIVE_CARD, '4868': { status: 'blocked', reason: 'lost' } });
  });

  it('a named card that is already blocked is said so, never replaced by the other card, which stays active', async () => {
    const { id, bot } = await linkedCitizen(t, [{ last4: '9780', blocked: true }, '2468']);
    await play(bot, [['quero bloquear o cartao 9780', [/O cartão •••• 9780 já está bloqueado/, /Nada foi alterado/]]]);
    expect(bot.last[0].text).not.toMatch(/2468 por|Confirma/);
    // Offered as a choice, never chosen for the citizen: nothing goes on until they pick it.
    expect(bot.buttons()).toEqual(['Cartão •••• 2468']);
    // The reason told before the card is kept; no card is chosen for it.
    await play(bot, [['perda', [/Anotei o motivo: perda/, /Qual cartão/]]]);
    await play(bot, [['deixa pra la', [/NÃO foi bloqueado/, MENU]]]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '9780': { status: 'blocked', reason: 'lost' }, '2468': ACTIVE_CARD });
  });

  it.each(['cancelar', 'deixa pra la'])('"%s" inside the block flow says plainly the card was NOT blocked', async (leave) => {
    const { id, bot } = await linkedCitizen(t, ['3141']);
    await play(bot, [
      ['quero bloquear meu cartao', [/Qual o motivo/]],
      [leave, [/NÃO foi bloqueado e continua ativo/, MENU]],
    ]);
    expect(bot.last[0].text).not.toMatch(/cancelei|cancelado/i);
    await play(bot, [
      ['perdi meu cartao', [/Confirma o bloqueio do cartão •••• 3141 por perda\?/]],
      [leave, [/NÃO foi bloqueado e continua ativo/, MENU]],
    ]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '3141': ACTIVE_CARD });
  });

  it('nothing is blocked without an explicit yes: "pode ser?", "talvez" or a question at the confirmation ask again', async () => {
    const { id, bot } = await linkedCitizen(t, ['5150']);
    for (const answer of ['pode ser?', 'talvez', 'ok?', 'sim, mas perco o saldo?', 'se eu bloquear perco o saldo?']) {
      await play(bot, [
        ['perdi meu cartao', [/Confirma o bloqueio do cartão •••• 5150 por perda\?/]],
        [answer, [/Confirma o bloqueio do cartão •••• 5150 por perda\?/]],
      ]);
      expect(bot.last[0].text).not.toMatch(/Protocolo/);
      expect(await cardsByLastDigits(t, id)).toEqual({ '5150': ACTIVE_CARD });
      await play(bot, [['nao', [/continua ativo/, MENU]]]);
    }
    // The same confirmation still takes a plain yes after a doubtful answer.
    await play(bot, [
      ['perdi meu cartao', [/Confirma o bloqueio/]],
      ['pode ser?', [/Responda "sim" para bloquear/, /Confirma o bloqueio/]],
      ['pode sim', [/Cartão •••• 5150 bloqueado\. ✅ Protocolo/, MENU]],
    ]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '5150': { status: 'blocked', reason: 'lost' } });
  });

  it('"fui roubado levaram meu cartao" keeps the reason while the card is asked for; the card is blocked as stolen', async () => {
    const { id, bot } = await linkedCitizen(t, ['7070', '8080']);
    await play(bot, [
      ['fui roubado levaram meu cartao', [/Qual cartão/]],
      ['8080', [/^Confirma o bloqueio do cartão •••• 8080 por roubo ou furto\?/]],
    ]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '7070': ACTIVE_CARD, '8080': ACTIVE_CARD });
    await play(bot, [['sim', [/Cartão •••• 8080 bloqueado/, MENU]]]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '7070': ACTIVE_CARD, '8080': { status: 'blocked', reason: 'stolen' } });
  });

  it.each(['roubaram', 'fui assaltado', 'levaram meu cartao'])('"%s" answers the reason step as theft', async (reason) => {
    const { id, bot } = await linkedCitizen(t, ['6161']);
    await play(bot, [
      ['quero bloquear meu cartao', [/Qual o motivo do cancelamento do cartão •••• 6161\?/]],
      [reason, [/^Confirma o bloqueio do cartão •••• 6161 por roubo ou furto\?/]],
      ['sim', [/Cartão •••• 6161 bloqueado/, MENU]],
    ]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '6161': { status: 'blocked', reason: 'stolen' } });
  });

  it('a reason said not to be the one is not taken: "nao foi roubado nao, perdi mesmo" is a loss', async () => {
    const { id, bot } = await linkedCitizen(t, ['6262']);
    await play(bot, [
      ['quero bloquear meu cartao', [/Qual o motivo do cancelamento do cartão •••• 6262\?/]],
      ['nao foi roubado nao', [/Qual o motivo do cancelamento do cartão •••• 6262\?/]],
      ['nao foi roubado nao, perdi mesmo', [/^Confirma o bloqueio do cartão •••• 6262 por perda\?/]],
      ['sim', [/Cartão •••• 6262 bloqueado/, MENU]],
    ]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '6262': { status: 'blocked', reason: 'lost' } });
  });
});

describe('saving a document is safe', () => {
  it('nothing is saved without an explicit yes: "pode ser?" or "talvez" at "Posso salvar?" ask again', async () => {
    const { id, bot } = await linkedCitizen(t, ['9090']);
    const documents = () => savedDocumentDetails(t, id);
    await play(bot, [
      ['quero guardar meu cpf', [/número do documento \(CPF\)/]],
      ['529.982.247-25', [/anexar/]],
      ['pula', [/Confira os dados/, /Posso salvar\?/]],
      ['pode ser?', [/Responda "sim" para salvar/, /Posso salvar\?/]],
      ['talvez', [/Responda "sim" para salvar/, /Posso salvar\?/]],
    ]);
    expect(await documents()).toHaveLength(0);
    await play(bot, [['pode salvar', [/Documento salvo/, MENU]]]);
    const saved = await documents();
    expect(saved).toHaveLength(1);
    expect(saved[0].document).toMatchObject({ type: 'cpf', number: '52998224725' });
  });
});

describe('small talk is never answered from the FAQ (issue 17, point 6)', () => {
  const ACKNOWLEDGED = /^Certo! 😊 Posso ajudar em algo mais\?/;
  const THANKS_MENU = /é só escolher:\n1\. Consultar saldo/;

  it.each([false, true])(
    '"sim", "ok", "kkk" with nothing asked are acknowledged, never answered (linked: %s); thanks and goodbyes too',
    async (linked) => {
      const { id } = await citizenWithCards(t, ['2020']);
      const bot = linked ? await linkedBot(t, id) : new BotHarness(t);
      const name = linked ? ', Maria' : '';
      for (const text of ['sim', 'ok', 'kkk', 'blz']) {
        await play(bot, [[text, [ACKNOWLEDGED, MENU]]]);
        expect(bot.last[0].text).not.toMatch(/Alguma destas perguntas|gratuidade|código/);
      }
      await play(bot, [
        ['valeu', [new RegExp(`^Por nada${name}! 😊`), THANKS_MENU]],
        ['vlw', [new RegExp(`^Por nada${name}! 😊`), THANKS_MENU]],
        ['oi', [new RegExp(`^Olá${name}! 😊 Eu sou a IPlani`), MENU]],
        ['tchau', [new RegExp(`^Até mais${name}! 👋`)]],
      ]);
    },
  );

  it('"ta bom vou olhar o extrato entao obrigada" after an answer is thanks, not a request for the statement', async () => {
    const { bot } = await linkedCitizen(t, ['3030', '4040']);
    await play(bot, [
      ['como faço pra recarregar o cartão?', [/Recarregar/, MENU]],
      ['ta bom vou olhar o extrato entao obrigada', [/^Por nada, Maria! 😊/, THANKS_MENU]],
    ]);
    expect(bot.last[0].text).not.toMatch(/extrato|Qual cartão|movimenta|Alguma destas/);
    // A request that says thanks too is still the request.
    await play(bot, [['quero ver o extrato obrigada', [/Qual cartão você quer consultar\?/]]]);
  });
});
