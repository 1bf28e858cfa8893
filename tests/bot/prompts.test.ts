import { findDocumentType } from '../../src/documents/document-types';
import { linkedCitizen, listedCards, savedDocumentDetails, savedDocuments } from '../support/bot-citizens';
import { startTestApp, type TestApp } from '../support/test-app';
import { MENU, play } from '../support/transcript';

/**
 * Every prompt accepts what it displays and what citizens write (issue 17, points 2, 4 and 5): numbered options with
 * their words ("1 pular", "3 - cartao danificado"), a number its words contradict ("1 roubo" where 1 is "Perda") taking
 * nothing, natural yes and no, the number and expiry typed in the first message, a CPF typed with punctuation, numbers
 * of "outro" kept as typed, and names that are not names. Real services and database, checked through the services.
 */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { FAQ_SEARCH_RATE_LIMIT: '100000' } });
});
afterAll(async () => {
  await t.close();
});

const cnh = findDocumentType('cnh')!;

describe('the first message fills the save flow', () => {
  it('a CNH with its number and expiry asks only for the file; "1 pular" skips it and the document is saved without one', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      [`quero salvar minha cnh ${cnh.numberExample} validade 05/10/2030`, [/anexar uma foto ou PDF/]],
      ['1 pular', [/Confira os dados:[\s\S]*Validade: 05\/10\/2030[\s\S]*Arquivo: nenhum[\s\S]*Posso salvar\?/]],
      ['pode salvar', [/Documento salvo/, MENU]],
    ]);
    const [saved, ...others] = await savedDocumentDetails(t, id);
    expect(others).toEqual([]);
    expect(saved.document).toMatchObject({ type: 'cnh', number: cnh.numberExample, expiresAt: '2030-10-05' });
    expect(saved.file).toBeFalsy();
  });

  it('a month without its day asks only for the day, then the file ("nao tenho foto agora" skips it)', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      [`salvar cnh ${cnh.numberExample} validade 10/2030`, [/dia da validade em outubro de 2030/]],
      ['dia 18', [/anexar/]],
      ['nao tenho foto agora', [/Confira os dados:[\s\S]*Validade: 18\/10\/2030/]],
      ['isso', [/Documento salvo/]],
    ]);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'cnh', number: cnh.numberExample, expiresAt: '2030-10-18' }]);
  });

  it('an issue or birth date in the first message is no expiry: the validity is asked; "validade" in it is taken', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      [`quero salvar minha cnh ${cnh.numberExample} emitida em 10/05/2020`, [/Qual é a data de validade\?/]],
      ['05/10/2031', [/anexar/]],
      ['1 pular', [/Confira os dados:[\s\S]*Validade: 05\/10\/2031/]],
      ['pode salvar', [/Documento salvo/, MENU]],
    ]);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'cnh', number: cnh.numberExample, expiresAt: '2031-10-05' }]);

    const other = await linkedCitizen(t);
    await play(other.bot, [
      [`minha cnh ${cnh.numberExample} nasci em 03/04/1990`, [/Qual é a data de validade\?/]],
      ['cancelar', [/Nada foi salvo/, MENU]],
      [`salvar cnh ${cnh.numberExample} emitida em 10/05/2020 validade 10/2030`, [/dia da validade em outubro de 2030/]],
      ['dia 18', [/anexar/]],
      ['1 pular', [/Confira os dados:[\s\S]*Validade: 18\/10\/2030/]],
      ['pode salvar', [/Documento salvo/, MENU]],
    ]);
    expect(await savedDocuments(t, other.id)).toMatchObject([
      { type: 'cnh', number: cnh.numberExample, expiresAt: '2030-10-18' },
    ]);
  });

  it('a CPF typed with punctuation is taken when its check digits hold, and refused saying why when they do not', async () => {
    const refused = await linkedCitizen(t);
    await play(refused.bot, [
      ['meu cpf é 174.063.966-95 quero salvar', [/CPF inválido/, /Não guardei esse número/, /número do documento \(CPF\)/]],
      ['cancelar', [/cancelei\. Nada foi salvo/, MENU]],
    ]);
    expect(await savedDocuments(t, refused.id)).toEqual([]);

    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['meu cpf é 174.063.966-94 quero salvar', [/anexar/]],
      ['depois mando', [/Confira os dados:[\s\S]*Arquivo: nenhum/]],
      ['claro', [/Documento salvo/]],
    ]);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'cpf', number: '17406396694' }]);
  });
});

describe('the name of a document of type "outro"', () => {
  it('never stores a question, a yes or a request as the name; keeps the number as typed', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['salvar outro documento', [/Qual é o nome desse documento\?/]],
      ['quanto custa a passagem?', [/Qual é o nome desse documento\?/]],
      ['sim', [/não de um "sim" ou "não"/, /Qual é o nome desse documento\?/]],
      // A sure request is served with the flow paused, never proposed as the name; "continuar" asks the name again.
      ['quero ver meu saldo', [/Saldo do seu cartão:[\s\S]*Quer continuar salvando seu documento/]],
      ['continuar', [/Qual é o nome desse documento\?/]],
      ['mostra meus cartao ai', [/Cartão •••• \d{4}[\s\S]*Quer continuar salvando seu documento/]],
      ['1', [/Qual é o nome desse documento\?/]],
      ['carteira de trabalho', [/número do documento \(Outro\)/]],
      ['1234567 serie 0020', [/data de validade/]],
      ['pular', [/anexar/]],
      ['sem foto', [/Confira os dados:[\s\S]*carteira de trabalho/]],
      ['sim tudo certo', [/Documento salvo/]],
    ]);
    const documents = await savedDocuments(t, id);
    expect(documents).toMatchObject([{ type: 'outro', label: 'carteira de trabalho', number: '1234567 serie 0020' }]);
  });

  it('a name that reads as a sentence is kept once the citizen confirms it', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['salvar outro documento', [/Qual é o nome desse documento\?/]],
      [
        'é a carteirinha que eu uso pra entrar no clube',
        [/Guardar com o nome "é a carteirinha que eu uso pra entrar no clube"\?/],
      ],
      ['sim é esse nome mesmo', [/número do documento \(Outro\)/]],
      ['88213', [/data de validade/]],
      ['31/12/2027', [/anexar/]],
      ['pula', [/Confira os dados:/]],
      ['salvar', [/Documento salvo/]],
    ]);
    expect(await savedDocuments(t, id)).toMatchObject([
      { type: 'outro', label: 'é a carteirinha que eu uso pra entrar no clube', number: '88213', expiresAt: '2027-12-31' },
    ]);
  });
});

describe('choices and confirmations of the block flow', () => {
  it('"1 roubo" where 1 is "Perda" re-asks; "parada" does not cancel; "cancelar" says the card was NOT blocked', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero bloquear meu cartao', [/Qual o motivo/]],
      ['1 roubo', [/Motivo não reconhecido/, /Qual o motivo/]],
      ['parada', [/Motivo não reconhecido/, /Qual o motivo/]],
      ['cancelar', [/NÃO foi bloqueado/, MENU]],
    ]);
    expect((await listedCards(t, id)).map((card) => card.status)).toEqual(['active']);
  });

  it('"3 - cartao danificado" picks the third reason; "nao quero" keeps the card; "sim pode bloquear" blocks it', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero bloquear meu cartao', [/Qual o motivo/]],
      ['3 - cartao danificado', [/Confirma o bloqueio do cartão •••• \d{4} por cartão danificado\?/]],
      ['nao quero', [/continua ativo/]],
    ]);
    expect((await listedCards(t, id)).map((card) => card.status)).toEqual(['active']);
    await play(bot, [
      ['bloquear cartao', [/Qual o motivo/]],
      ['opcao 2', [/por roubo ou furto\?/]],
      ['1 não', [/Responda "sim" para bloquear/]],
      ['sim pode bloquear', [/bloqueado\. ✅ Protocolo/]],
    ]);
    const [card] = await listedCards(t, id);
    expect(card.status).toBe('blocked');
    // The reason recorded with the block is the one chosen by "opcao 2".
    const blocks = await t.app.db.em.fork().execute('select reason from card_blocks where user_id = ?', [id]);
    expect(blocks).toEqual([{ reason: 'stolen' }]);
  });
});
