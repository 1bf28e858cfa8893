import { ACTIVE_CARD, cardsByLastDigits, linkedCitizen } from '../support/bot-citizens';
import { startTestApp, type TestApp } from '../support/test-app';
import { MENU, play } from '../support/transcript';

/**
 * Naming the card to block (issue 17, points 2 and 5), as citizens do: by two final digits that more than one card
 * shares, by a place beyond the list, by "esse mesmo", correcting the card at the reason step, telling the reason
 * where the card is asked, saying when it happened instead of what, and asking for the block in words the network
 * leans elsewhere on. Outcomes are read back through the services.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { FAQ_SEARCH_RATE_LIMIT: '100000' } });
});
afterAll(async () => {
  await t.close();
});

describe('naming the card', () => {
  it('digits that end two cards, in the first request: said so, nothing chosen, the reason kept for the card picked', async () => {
    const { id, bot } = await linkedCitizen(t, ['4512', '8812', '3307']);
    await play(bot, [['bloqueia o cartao final 12 perdi ele', [/Mais de um cartão seu termina em 12\./, /Qual cartão/]]]);
    expect(bot.last[0].text).not.toMatch(/Confirma|Não encontrei/);
    await play(bot, [
      ['o 8812', [/^Confirma o bloqueio do cartão •••• 8812 por perda\?/]],
      ['sim', [/Cartão •••• 8812 bloqueado/]],
    ]);
    expect(await cardsByLastDigits(t, id)).toEqual({
      '4512': ACTIVE_CARD,
      '8812': { status: 'blocked', reason: 'lost' },
      '3307': ACTIVE_CARD,
    });
  });

  it('a place beyond the list says how many cards there are; "é esse msm, perdi ele" then takes the only one with the reason', async () => {
    const { id, bot } = await linkedCitizen(t, ['2718']);
    await play(bot, [['bloqueia o segundo cartao', [/Você só tem 1 cartão ativo\./, /Qual cartão/]]]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '2718': ACTIVE_CARD });
    await play(bot, [
      ['ah entao é esse msm, perdi ele', [/^Confirma o bloqueio do cartão •••• 2718 por perda\?/]],
      ['sim', [/Cartão •••• 2718 bloqueado/]],
    ]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '2718': { status: 'blocked', reason: 'lost' } });
  });

  it('"cartao 2" at the card step and "bloqueia o 2" after the list name the second card', async () => {
    const { id, bot } = await linkedCitizen(t, ['4868', '9780']);
    await play(bot, [
      ['cancelar meu riocard', [/Qual cartão/]],
      ['cartao 2', [/motivo do cancelamento do cartão •••• 9780/]],
      ['cancelar', [/NÃO foi bloqueado/]],
      ['meus cartoes', [/Você tem 2 cartões/]],
      ['bloqueia o 2', [/motivo do cancelamento do cartão •••• 9780/]],
    ]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '4868': ACTIVE_CARD, '9780': ACTIVE_CARD });
  });

  it('"esse mesmo" names no card when several are offered', async () => {
    const { id, bot } = await linkedCitizen(t, ['1190', '5521']);
    await play(bot, [
      ['quero bloquear um cartao', [/Qual cartão/]],
      ['esse mesmo', [/Não reconheci esse cartão/, /Qual cartão/]],
    ]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '1190': ACTIVE_CARD, '5521': ACTIVE_CARD });
  });

  it('another card named by its digits at the reason step corrects the card; only that one is blocked', async () => {
    const { id, bot } = await linkedCitizen(t, ['5127', '3864']);
    await play(bot, [
      ['bloqueia o 5127', [/motivo do cancelamento do cartão •••• 5127/]],
      ['pera, errei, é o 3864', [/motivo do cancelamento do cartão •••• 3864/]],
      ['perdi', [/^Confirma o bloqueio do cartão •••• 3864 por perda\?/]],
      ['sim', [/Cartão •••• 3864 bloqueado/]],
    ]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '5127': ACTIVE_CARD, '3864': { status: 'blocked', reason: 'lost' } });
  });

  it('the reason told with the card at the card step is kept; a bare number there is the card, never the reason of that number', async () => {
    const { id, bot } = await linkedCitizen(t, ['3471', '9952', '6006']);
    await play(bot, [
      ['bloquear cartão agora', [/Qual cartão/]],
      ['o que eu perdi foi o 9952', [/^Confirma o bloqueio do cartão •••• 9952 por perda\?/]],
      ['nao', [/continua ativo/]],
      ['quero bloquear um cartao', [/Qual cartão/]],
      ['3', [/motivo do cancelamento do cartão •••• 6006/]],
    ]);
    expect(bot.last[0].text).not.toMatch(/Confirma/);
    expect(await cardsByLastDigits(t, id)).toEqual({ '3471': ACTIVE_CARD, '9952': ACTIVE_CARD, '6006': ACTIVE_CARD });
  });
});

describe('the reason step', () => {
  it('"foi na segunda feira" says when, not what: the reason is asked again for the same card, no statement shown', async () => {
    const { id, bot } = await linkedCitizen(t, ['9021', '4476']);
    await play(bot, [
      ['quero bloquear o 4476', [/motivo do cancelamento do cartão •••• 4476/]],
      ['foi na segunda feira', [/Entendi quando foi/, /motivo do cancelamento do cartão •••• 4476/]],
      ['a segunda feira passada', [/motivo do cancelamento do cartão •••• 4476/]],
    ]);
    expect(bot.log.join('\n')).not.toMatch(/movimentaç|consultar\?/);
    await play(bot, [
      ['me roubaram na saida do trabalho', [/^Confirma o bloqueio do cartão •••• 4476 por roubo ou furto\?/]],
      ['sim', [/bloqueado/]],
    ]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '9021': ACTIVE_CARD, '4476': { status: 'blocked', reason: 'stolen' } });
  });

  it('"qual a diferença entre perda e roubo?" at the card step is a question, not the reason theft', async () => {
    const { bot } = await linkedCitizen(t, ['4868', '9780']);
    await play(bot, [
      ['quero bloquear', [/Qual cartão/]],
      ['qual a diferença entre perda e roubo?', [/Qual cartão/]],
    ]);
    expect(bot.last[0].text).not.toMatch(/Anotei o motivo/);
    await play(bot, [['o 9780', [/motivo do cancelamento do cartão •••• 9780/]]]);
  });

  it('"deixei no banco da praça e quando voltei nao tava mais" is a loss', async () => {
    const { bot } = await linkedCitizen(t, ['3636']);
    await play(bot, [
      ['quero bloquear meu cartao', [/Qual o motivo/]],
      ['deixei no banco da praça e quando voltei nao tava mais', [/^Confirma o bloqueio do cartão •••• 3636 por perda\?/]],
    ]);
  });
});

describe('asking for the block', () => {
  it('"bloqueia o ultimo que eu nao uso mais" and "cancela o de baixo que ta rachado" are block requests for that card', async () => {
    const { id, bot } = await linkedCitizen(t, ['4005', '6219', '7830']);
    await play(bot, [
      ['bloqueia o ultimo que eu nao uso mais', [/^Confirma o bloqueio do cartão •••• 7830 por outro motivo\?/]],
      ['nao', [/continua ativo/]],
      ['cancela o de baixo que ta rachado', [/^Confirma o bloqueio do cartão •••• 7830 por cartão danificado\?/]],
      ['manda bloquear', [/Cartão •••• 7830 bloqueado/]],
    ]);
    expect(await cardsByLastDigits(t, id)).toEqual({
      '4005': ACTIVE_CARD,
      '6219': ACTIVE_CARD,
      '7830': { status: 'blocked', reason: 'damaged' },
    });
  });

  it('"bloqueia o outro tb" after a block names the other card, not the reason "outro motivo"', async () => {
    const { id, bot } = await linkedCitizen(t, ['2211', '5643']);
    await play(bot, [
      ['perdi a carteira bloqueia o 2211', [/^Confirma o bloqueio do cartão •••• 2211 por perda\?/]],
      ['sim', [/Cartão •••• 2211 bloqueado/]],
      ['bloqueia o outro tb', [/motivo do cancelamento do cartão •••• 5643/]],
      ['perdi tb', [/^Confirma o bloqueio do cartão •••• 5643 por perda\?/]],
      ['pode', [/Cartão •••• 5643 bloqueado/]],
    ]);
    expect(await cardsByLastDigits(t, id)).toEqual({
      '2211': { status: 'blocked', reason: 'lost' },
      '5643': { status: 'blocked', reason: 'lost' },
    });
  });

  it('"bloqueia todos os cartoes" starts the block, asking which card: nothing is blocked without its confirmation', async () => {
    const { id, bot } = await linkedCitizen(t, ['2211', '5643']);
    await play(bot, [['bloqueia todos os cartoes', [/Qual cartão você quer cancelar\?/]]]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '2211': ACTIVE_CARD, '5643': ACTIVE_CARD });
  });
});

describe('the confirmation', () => {
  it('"vou procurar em casa primeiro" waits at the confirmation, nothing blocked; "nao achei, pode bloquear" then blocks', async () => {
    const { id, bot } = await linkedCitizen(t, ['8127']);
    await play(bot, [
      ['acho que perdi meu cartao mas pode ter ficado em casa', [/^Confirma o bloqueio do cartão •••• 8127 por perda\?/]],
      ['vou procurar em casa primeiro', [/aguardando/]],
    ]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '8127': ACTIVE_CARD });
    await play(bot, [['nao achei, pode bloquear', [/Cartão •••• 8127 bloqueado/]]]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '8127': { status: 'blocked', reason: 'lost' } });
  });

  it('"mas eu perco o saldo dele?" is answered from the FAQ, never a balance and never a yes; "nao deixa quieto" keeps the card', async () => {
    const { id, bot } = await linkedCitizen(t, ['9364']);
    await play(bot, [
      ['cartao roubado', [/^Confirma o bloqueio do cartão •••• 9364 por roubo ou furto\?/]],
      ['mas eu perco o saldo dele?', [/segunda via/, /Confirma o bloqueio do cartão •••• 9364/]],
    ]);
    expect(bot.last[0].text).not.toMatch(/Saldo do seu cartão/);
    await play(bot, [['nao deixa quieto', [/continua ativo/, MENU]]]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '9364': ACTIVE_CARD });
  });
});
