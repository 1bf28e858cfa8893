import { findDocumentType } from '../../src/documents/document-types';
import { ACTIVE_CARD, cardsByLastDigits, linkedCitizen, savedDocuments } from '../support/bot-citizens';
import { startTestApp, type TestApp } from '../support/test-app';
import { MENU, play } from '../support/transcript';

/**
 * Issue 17, points 2-5, found by typing as citizens do in the save and block flows: "nao tenho foto agora" at the date
 * step, a goodbye at the offer of a paused flow, the documents asked for in the middle of a save, a doubt between loss
 * and theft, a card named by two of its last digits, the city an RG was issued in. Outcomes are read back through the
 * services (documents saved, each card's status and block reason).
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { FAQ_SEARCH_RATE_LIMIT: '100000' } });
});
afterAll(async () => {
  await t.close();
});

const cnh = findDocumentType('cnh')!;
const rg = findDocumentType('rg')!;
const ASKS_NUMBER = /Qual é o número do documento \(CNH\)\?/;
const ASKS_EXPIRY = /Qual é a data de validade\?/;
const ASKS_ATTACHMENT = /Quer anexar uma foto ou PDF/;
const OFFER = /Quer continuar salvando sua CNH de onde parou\?/;

describe('no photo now', () => {
  it('at the date step it is no invalid date and no miss: the date is asked again, the number kept, and the photo skipped after', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
      ['nao tenho foto agora', [/a foto não é obrigatória/, ASKS_EXPIRY]],
      ['sem foto', [/a foto não é obrigatória/, ASKS_EXPIRY]],
      // Two of them would be two misses and the third pauses the flow: they are not counted.
      ['depois mando a foto', [/a foto não é obrigatória/, ASKS_EXPIRY]],
      ['agora nao tenho', [/A data de validade é obrigatória para salvar o documento \(CNH\)/, /deixa pra depois/, ASKS_EXPIRY]],
      // Voice typing writes the day in words: "dez do dez" is 10/10, not December.
      ['DEZ DO DEZ DE 2030', [ASKS_ATTACHMENT]],
      ['depois mando a foto', [/Confira os dados/, /Arquivo:\S* nenhum/, /Posso salvar/]],
      ['sim', [/Documento salvo/, MENU]],
    ]);
    const saved = await savedDocuments(t, id);
    expect(saved).toMatchObject([{ type: 'cnh', number: cnh.numberExample }]);
    expect(String(saved[0].expiresAt)).toContain('2030-10-10');
  });
});

describe('a value not at hand', () => {
  it('"nao tenho o numero agora" is told where the number is and how to leave it for later, which keeps the type', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      ['nao tenho o numero agora', [/O número é obrigatório para salvar o documento \(CNH\)/, /deixa pra depois/, ASKS_NUMBER]],
      ['deixa pra depois', [/guardei o que já informou/]],
      ['continuar', [/continuar de onde paramos/, ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
    ]);
    expect(await savedDocuments(t, id)).toEqual([]);
  });
});

describe('a moment asked for', () => {
  it('"peraí vou pegar" at the number step is waited, not a miss; "pera" at the block confirmation is no "no" and blocks nothing', async () => {
    const { id, bot } = await linkedCitizen(t, ['4868']);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      ['hmm peraí vou pegar', [/fico aguardando/]],
      ['um minutinho', [/fico aguardando/]],
      // Two misses would have been counted: a third wrong answer would pause the flow. It is a first miss only.
      ['abc', [/Número de CNH inválido/, ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
      ['cancelar', [/Nada foi salvo|cancelei/i]],
      ['perdi meu cartao', [/Confirma o bloqueio do cartão •••• 4868 por perda\?/]],
      ['pera', [/fico aguardando/]],
    ]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '4868': ACTIVE_CARD });
    await play(bot, [['sim', [/bloqueado/]]]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '4868': { status: 'blocked', reason: 'lost' } });
  });
});

describe('the offer of a paused flow', () => {
  it('"tchau", "flw" and "deixa pra depois" keep the paused save and say goodbye, instead of asking again', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
      ['depois eu vejo isso', [/guardei o que já informou/]],
      ['oi', [OFFER]],
      ['tchau', [/guardei o que já informou/, /Até mais/]],
    ]);
    expect(bot.last[0].text).not.toMatch(OFFER);
    // A second goodbye at the menu is answered as one, not with the offer again.
    const second = await bot.say('flw');
    expect(second.join('\n')).not.toMatch(OFFER);
    await play(bot, [
      ['oi', [OFFER]],
      ['deixa pra depois', [/guardei o que já informou/]],
      ['oi', [OFFER]],
      ['continuar', [/continuar de onde paramos/, ASKS_EXPIRY]],
      ['10/10/2030', [ASKS_ATTACHMENT]],
      ['pula', [/Posso salvar/]],
      ['sim', [/Documento salvo/]],
    ]);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'cnh', number: cnh.numberExample }]);
  });

  it('"deixa pra depois" in the middle of a save pauses it with its data, where it used to drop it', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
      ['deixa pra depois', [/guardei o que já informou/]],
      ['continuar', [/continuar de onde paramos/, ASKS_EXPIRY]],
    ]);
    expect(await savedDocuments(t, id)).toEqual([]);
  });
});

describe('the documents asked for during a save', () => {
  it('"mostra meus documentos primeiro" lists them and offers the paused save back, its number kept', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
      ['mostra meus documentos primeiro', [/ainda não tem documentos salvos/, OFFER]],
      ['sim', [/continuar de onde paramos/, ASKS_EXPIRY]],
      ['10/10/2030', [ASKS_ATTACHMENT]],
      ['1', [new RegExp(`Número:\\S* •+${cnh.numberExample.replace(/\D/g, '').slice(-4)}`), /Posso salvar/]],
      ['isso', [/Documento salvo/]],
    ]);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'cnh', number: cnh.numberExample }]);
  });
});

describe('blocking, with what citizens say', () => {
  it('"perdi ou roubaram nao sei" is never taken as theft: the citizen is asked which, and the chosen reason is stored', async () => {
    const { id, bot } = await linkedCitizen(t, ['4868']);
    await play(bot, [
      ['quero bloquear meu cartao', [/Qual o motivo/]],
      ['perdi ou roubaram nao sei', [/Tudo bem não ter certeza/, /Qual o motivo/]],
      ['nao sei se perdi ou roubaram', [/Tudo bem não ter certeza/, /Qual o motivo/]],
    ]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '4868': ACTIVE_CARD });
    await play(bot, [
      ['perda', [/Confirma o bloqueio do cartão •••• 4868 por perda\?/]],
      ['sim', [/bloqueado/]],
    ]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '4868': { status: 'blocked', reason: 'lost' } });
  });

  it('"nao sei se perdi ou se roubaram meu cartao" asked at the menu: the doubt is answered as the reason is asked', async () => {
    const { id, bot } = await linkedCitizen(t, ['4868']);
    await play(bot, [['nao sei se perdi ou se roubaram meu cartao', [/Tudo bem não ter certeza/, /Qual o motivo/]]]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '4868': ACTIVE_CARD });
    await play(bot, [
      ['2', [/Confirma o bloqueio do cartão •••• 4868 por roubo ou furto\?/]],
      ['sim', [/bloqueado/]],
    ]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '4868': { status: 'blocked', reason: 'stolen' } });
  });

  it('"o que termina em 12" and "o final 68" name a card by its last digits; digits two cards end in name none', async () => {
    const { id, bot } = await linkedCitizen(t, ['3312', '4868', '7768']);
    await play(bot, [
      ['quero bloquear meu cartao', [/Qual cartão/]],
      ['o final 68', [/Não reconheci esse cartão/, /Qual cartão/]],
      ['o que termina em 12', [/Qual o motivo do cancelamento do cartão •••• 3312/]],
      ['quebrou', [/Confirma o bloqueio do cartão •••• 3312 por cartão danificado/]],
      ['sim pode bloquear', [/bloqueado/]],
    ]);
    expect(await cardsByLastDigits(t, id)).toEqual({
      '3312': { status: 'blocked', reason: 'damaged' },
      '4868': ACTIVE_CARD,
      '7768': ACTIVE_CARD,
    });
  });

  it('"aquele que termina com 4868" at the card step is that card, not a goodbye', async () => {
    const { id, bot } = await linkedCitizen(t, ['1357', '4868']);
    await play(bot, [
      ['bloquear cartao', [/Qual cartão/]],
      ['aquele que termina com 4868', [/cartão •••• 4868/]],
      ['roubaram', [/Confirma o bloqueio do cartão •••• 4868 por roubo ou furto/]],
      ['claro', [/bloqueado/]],
    ]);
    expect(await cardsByLastDigits(t, id)).toEqual({ '1357': ACTIVE_CARD, '4868': { status: 'blocked', reason: 'stolen' } });
  });
});

describe('the state an RG was issued in', () => {
  it('"foi tirado em niteroi" is RJ: the state is taken from the city; "sem foto" at its optional date skips no date', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero salvar meu rg', [/De qual estado/]],
      ['foi tirado em niteroi', [/número do documento \(RG\)/]],
      [rg.numberExample, [/Qual é a data de validade\? .*Se não tiver, toque em Pular/]],
      // The RG's expiry is optional: "sem foto" must not skip it, it is asked again.
      ['sem foto', [/a foto não é obrigatória/, /Qual é a data de validade\?/]],
      ['pular', [ASKS_ATTACHMENT]],
      ['pular', [/Estado emissor:\S* RJ/, /Posso salvar/]],
      ['sim', [/Documento salvo/]],
    ]);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'rg', issuerState: 'RJ' }]);
  });
});
