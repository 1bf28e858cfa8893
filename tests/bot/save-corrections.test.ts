import { findDocumentType } from '../../src/documents/document-types';
import { linkedCitizen, savedDocuments } from '../support/bot-citizens';
import { sampleFiles } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { MENU, play } from '../support/transcript';

/**
 * Saving a document as citizens type it when they get ahead of the flow or go back on an answer: the validity typed
 * where the state or the number is asked, a number corrected after it was taken, a "no" at the summary that says what
 * is wrong, a name given with the type, a question at the name step, polite refusals of the photo and a balance asked
 * at the photo step. Outcomes are read back through the document service.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { FAQ_SEARCH_RATE_LIMIT: '100000' } });
});
afterAll(async () => {
  await t.close();
});

const cnh = findDocumentType('cnh')!;
const ASKS_STATE = /De qual estado é o RG\?/;
const ASKS_CNH_NUMBER = /Qual é o número do documento \(CNH\)\?/;
const ASKS_CPF_NUMBER = /Qual é o número do documento \(CPF\)\?/;
const ASKS_EXPIRY = /Qual é a data de validade\?/;
const ASKS_ATTACHMENT = /Quer anexar uma foto ou PDF/;
const SUMMARY = /Confira os dados/;

describe('the validity typed a step early', () => {
  it('at the RG state step it is kept, the state asked again, and the validity not asked later', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero guardar minha identidade', [ASKS_STATE]],
      ['vence 05/09/2033', [/Anotei a validade \(05\/09\/2033\)/, ASKS_STATE]],
      ['SP', [/Qual é o número do documento \(RG\)\?/]],
      ['27.020.330-8', [ASKS_ATTACHMENT]],
      ['pular', [SUMMARY, /Estado emissor:\S* SP/, /Validade:\S* 05\/09\/2033/]],
      ['sim', [/Documento salvo/, MENU]],
    ]);
    const saved = await savedDocuments(t, id);
    expect(saved).toMatchObject([{ type: 'rg', number: '270203308', issuerState: 'SP' }]);
    expect(String(saved[0].expiresAt)).toContain('2033-09-05');
  });

  it('the RG number typed where the state is asked is kept and checked once the state is given; with the state, both are taken', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['salvar rg', [ASKS_STATE]],
      ['o numero é 27.020.330-8', [/Anotei o número/, ASKS_STATE]],
      ['de sao paulo', [/Qual é a data de validade\?/]],
      ['nao tem', [ASKS_ATTACHMENT]],
      ['pular', [SUMMARY, /Estado emissor:\S* SP/]],
      ['sim', [/Documento salvo/]],
    ]);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'rg', number: '270203308', issuerState: 'SP' }]);
    const second = await linkedCitizen(t);
    await play(second.bot, [
      ['quero guardar minha identidade', [ASKS_STATE]],
      ['27.020.330-8 sp', [/Qual é a data de validade\?/]],
    ]);
  });

  it('a month typed at the number step is kept and only its day asked once the number is given', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['salvar minha cnh', [ASKS_CNH_NUMBER]],
      ['a validade é marco de 2031', [/Anotei a validade \(março de 2031\)/, ASKS_CNH_NUMBER]],
      [cnh.numberExample, [/Qual é o dia da validade em março de 2031\?/]],
      ['dia 9', [ASKS_ATTACHMENT]],
      ['sem foto', [SUMMARY, /Validade:\S* 09\/03\/2031/]],
      ['pode salvar', [/Documento salvo/]],
    ]);
    const saved = await savedDocuments(t, id);
    expect(String(saved[0].expiresAt)).toContain('2031-03-09');
  });
});

describe('a number corrected after it was taken', () => {
  it('at the validity step, in words about the number, it replaces the first one; a bare figure there does not', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero salvar minha cnh', [ASKS_CNH_NUMBER]],
      ['47701888642', [ASKS_EXPIRY]],
      ['60293712842', [/Data inválida/, ASKS_EXPIRY]],
      ['digitei errado, o certo é 602.937.128-42', [/troquei o número para •+2842/, ASKS_EXPIRY]],
      ['20/12/2032', [ASKS_ATTACHMENT]],
      ['pular', [SUMMARY, /•+2842/]],
      ['sim', [/Documento salvo/]],
    ]);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'cnh', number: cnh.numberExample }]);
  });
});

describe('a "no" at the summary that says what is wrong', () => {
  it('"nao, a numeracao ta errada" saves nothing, asks the number again and comes back to the summary with the rest kept', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['salvar cpf 406.297.092-97', [ASKS_ATTACHMENT]],
      ['pular', [SUMMARY, /\*\*\*\.297\.092-\*\*/]],
      ['nao, a numeracao ta errada', [/ainda não salvei nada/, ASKS_CPF_NUMBER]],
    ]);
    expect(await savedDocuments(t, id)).toEqual([]);
    await play(bot, [
      ['125.065.827-62', [SUMMARY, /\*\*\*\.065\.827-\*\*/, /Posso salvar\?/]],
      ['sim', [/Documento salvo/]],
    ]);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'cpf', number: '12506582762' }]);
  });

  it('"a data ta errada" asks the validity again, keeping the number; a bare "não" still drops the save', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      [`guardar cnh ${cnh.numberExample} validade 01/02/2030`, [ASKS_ATTACHMENT]],
      ['pular', [SUMMARY, /Validade:\S* 01\/02\/2030/]],
      ['nao a data ta errada', [/ainda não salvei nada/, ASKS_EXPIRY]],
      ['01/02/2031', [SUMMARY, /•+2842/, /Validade:\S* 01\/02\/2031/]],
      ['não', [/Nada foi salvo/, MENU]],
    ]);
    expect(await savedDocuments(t, id)).toEqual([]);
  });
});

describe('the name of an "outro" document', () => {
  it('given at the type step ("carteira de trabalho") is kept: the number is asked next, never stored as the name', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['salvar documento', [/Qual documento você quer salvar\?/]],
      ['minha carteira de trabalho', [/Qual é o número do documento \(Outro\)\?/]],
      ['7654321 serie 0031', [ASKS_EXPIRY]],
      ['nao tem', [ASKS_ATTACHMENT]],
      ['dispenso', [SUMMARY, /carteira de trabalho/]],
      ['sim', [/Documento salvo/]],
    ]);
    expect(await savedDocuments(t, id)).toMatchObject([
      { type: 'outro', label: 'carteira de trabalho', number: '7654321 serie 0031' },
    ]);
  });

  it('a question about the wallet asked at the name step is answered from the FAQ and not stored', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['salvar outro documento', [/Qual é o nome desse documento\?/]],
      // Whichever answer the FAQ finds, the question is put to it and the name asked again: never held as a name.
      ['é seguro deixar meus documentos aqui?', [/Voltando ao que estávamos fazendo/, /Qual é o nome desse documento\?/]],
      ['carteirinha da biblioteca', [/Qual é o número do documento \(Outro\)\?/]],
      // At the number step too: the save's own words asked as a question are a question, not a new save.
      ['é seguro guardar meus documentos aqui?', [/LGPD/, /Qual é o número do documento \(Outro\)\?/]],
      ['cancelar', [/Nada foi salvo|cancelei/i]],
    ]);
    expect(await savedDocuments(t, id)).toEqual([]);
  });
});

describe('the photo step', () => {
  it('"nao obg" skips it; "mandei a foto" with no file skips nothing; a balance asked there is served with the save offered back', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['salvar cpf 125.065.827-62', [ASKS_ATTACHMENT]],
      ['quanto eu tenho no cartao?', [/Saldo do seu cartão/, /Quer continuar salvando seu CPF de onde parou\?/]],
      ['sim', [ASKS_ATTACHMENT]],
      // Said sent, but nothing came with it: no skip, the file asked again.
      ['mandei a foto', [/Não recebi nenhum arquivo/, ASKS_ATTACHMENT]],
      ['nao obg', [SUMMARY, /Arquivo:\S* nenhum/]],
      ['sim', [/Documento salvo/]],
    ]);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'cpf', number: '12506582762' }]);
  });
});

describe('questions about the step itself', () => {
  it('"qual numero eu coloco?" gets the step\'s help, "tem que mandar foto?" is no skip, and a state corrected from the summary says why the number no longer holds', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [
      ['salvar rg', [ASKS_STATE]],
      ['rj', [/Qual é o número do documento \(RG\)\?/]],
      ['qual numero eu coloco?', [/Digite o número como aparece no documento/, /Qual é o número do documento \(RG\)\?/]],
      ['12.345.678-9', [ASKS_EXPIRY]],
      ['nao tem', [ASKS_ATTACHMENT]],
      ['tem que mandar foto?', [/Voltando ao que estávamos fazendo/, ASKS_ATTACHMENT]],
      ['sem foto', [SUMMARY, /Estado emissor:\S* RJ/]],
      ['nao, o estado ta errado', [/ainda não salvei nada/, ASKS_STATE]],
      ['sp', [/Número de RG de SP inválido/, /Qual é o número do documento \(RG\)\?/]],
      ['27.020.330-8', [SUMMARY, /Estado emissor:\S* SP/]],
      ['sim', [/Documento salvo/]],
    ]);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'rg', number: '270203308', issuerState: 'SP' }]);
  });
});

describe('a file sent early', () => {
  it('at the number step, whatever its caption, is kept for the document, the number asked again and the file step not asked', async () => {
    const { id, bot } = await linkedCitizen(t);
    await play(bot, [['quero salvar meu titulo de eleitor', [/Qual é o número do documento \(Título de eleitor\)\?/]]]);
    const png = sampleFiles.png(2048).toString('base64');
    const replies = await bot.say('olha a foto aqui', [
      { contentType: 'image/png', contentUrl: `data:image/png;base64,${png}`, name: 'titulo.png' },
    ]);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/Recebi o arquivo \(imagem PNG de \d+ KiB\)[\s\S]*Qual é o número do documento/);
    await play(bot, [
      ['3214 5876 0310', [SUMMARY, /Arquivo:\S* imagem PNG/]],
      ['sim', [/Documento salvo/]],
    ]);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'titulo_eleitor', number: '321458760310' }]);
  });
});
