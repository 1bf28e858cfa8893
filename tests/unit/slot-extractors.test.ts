import { dayAlone, dayOfMonth, Recognizers } from '../../bot/understanding/recognizers';
import { readsAsSentence } from '../../bot/understanding/free-text';
import { chooseFrom } from '../../bot/understanding/choices';
import { saysStop } from '../../bot/understanding/classifier';
import { detectCommand, utteranceOf } from '../../bot/understanding/rules';

const r = new Recognizers();

describe('slot extractors (issue 17 point 2)', () => {
  it.each([
    ['pegaram meu cartao no onibus', 'stolen'],
    ['deixei cair no trem e nao achei mais', 'lost'],
    ['caiu no chao e parou de funcionar', 'damaged'],
    ['nao ta passando na catraca', 'damaged'],
    ['ficou no uber', 'lost'],
  ])('block reason of %j is %s', (text, reason) => {
    expect(r.blockReason(text)).toBe(reason);
  });

  it('reads a card by its whole number, by "o do meio", and not from words about a middle', () => {
    expect(r.card('o cartao 1234 5678 9012 4868')).toEqual({ last4: '4868' });
    expect(r.card('o do meio')).toEqual({ position: 'middle' });
    expect(r.card('como volto pro menu quando to no meio de uma coisa')).toBeNull();
    expect(r.card('salvar cnh 45733270661')).toBeNull();
  });

  it('keeps codes whole where they carry letters or a slash, and strips a single separator after letters', () => {
    expect(r.documentNumber('CNV-2023/004512')).toBe('CNV-2023/004512');
    expect(r.documentNumber('vacina covid 2021/000123')).toBe('2021/000123');
    expect(r.documentNumber('passaporte FZ-123456')).toBe('FZ123456');
    expect(r.documentNumber('meu comprovante covid-19 numero 123456')).toBe('123456');
    expect(r.documentNumber('meu cpf é 174.063.966-94')).toBe('17406396694');
    expect(r.documentNumber('5/ago/2029')).toBeNull();
  });

  it.each([
    ['5 agosto 2029', '2029-08-05'],
    ['5 de agosto de 29', '2029-08-05'],
    ['5/ago/2029', '2029-08-05'],
    ['primeiro de maio de 2030', '2030-05-01'],
    ['05082029', '2029-08-05'],
    ['ago/29', '2029-08'],
    ['vence dia 18 de setembro de 2033', '2033-09-18'],
    ['18/09/33', '2033-09-18'],
    ['30/02/2030', null],
  ])('date of %j is %s', (text, date) => {
    expect(r.date(text)).toBe(date);
  });

  it.each([
    ['quero salvar minha cnh 12345678900 validade 10/05/2030', '2030-05-10'],
    ['salvar cnh 12345678900 validade 10/2030', '2030-10'],
    ['cnh valida ate 5/8/29', '2029-08-05'],
    ['minha cnh válida até 05/08/2029', '2029-08-05'],
    ['salvar minha cnh q vence em março de 2030', '2030-03'],
    ['cnh com vencimento em 12/03/2030', '2030-03-12'],
    ['identidade que expira dia 12 de março de 2030', '2030-03-12'],
    ['cnh validadi 10/05/2030', '2030-05-10'],
    ['cnh vencimeto 10/05/2030', '2030-05-10'],
    ['cnh vense 10/05/2030', '2030-05-10'],
    ['cnh emitida em 10/05/2020 validade 10/05/2030', '2030-05-10'],
    ['quero salvar minha cnh 12345678900 emitida em 10/05/2020', null],
    ['minha cnh 12345678900 nasci em 03/04/1990', null],
    ['salvar rg expedido em 01/02/2015', null],
    ['cnh 12345678900', null],
  ])('the validity given in %j is %s', (text, date) => {
    expect(r.expiryDate(text)).toBe(date);
  });

  it('completes a kept month with a day given alone', () => {
    expect(dayAlone('dia 18')).toBe(18);
    expect(dayAlone('18')).toBe(18);
    expect(dayAlone('dia 18 de setembro')).toBeNull();
    expect(dayOfMonth('2033-09', 18)).toBe('2033-09-18');
    expect(dayOfMonth('2033-02', 30)).toBeNull();
  });
});

describe('cancel words (issue 17 point 4: only a cancel word cancels)', () => {
  it.each(['cancelar', 'cancela isso ai', 'desisto', 'deixa pra la', 'para tudo', 'sai daqui', 'para', 'chega nao quero mais'])(
    '%j says stop',
    (text) => expect(saysStop(text)).toBe(true),
  );
  // Transport words: "parada" stems to "parar" for the network, "pagar" is one letter away from "parar".
  it.each(['parada', 'pagar', 'ponto de onibus', 'vou para casa', 'passar na catraca', 'brt'])('%j does not', (text) => {
    expect(saysStop(text)).toBe(false);
    expect(detectCommand(text)).toBeNull();
  });
});

describe('numbered options with words (issue 17 point 4)', () => {
  const reasons = [
    { label: 'Perda', value: 'lost' },
    { label: 'Roubo ou furto', value: 'stolen' },
    { label: 'Cartão danificado', value: 'damaged' },
  ];
  const answer = (text: string) => utteranceOf(text);
  it.each([
    ['3 - cartao danificado', 'damaged'],
    ['opcao 2', 'stolen'],
    ['1. perda', 'lost'],
    ['2 por favor', 'stolen'],
    ['danificado', 'damaged'],
  ])('%j chooses %s', (text, value) => expect(chooseFrom(answer(text), reasons)?.value).toBe(value));
  it.each(['1 roubo', '3 perda', '2 cartao danificado'])('%j, a number contradicted by its words, chooses nothing', (text) =>
    expect(chooseFrom(answer(text), reasons)).toBeNull(),
  );
});

describe('options named by their place (issue 17 point 4)', () => {
  const types = ['CPF', 'RG', 'CNH', 'Título', 'SUS', 'Certidão', 'Passaporte', 'Vacinação', 'Outro'].map((label) => ({
    label,
    value: label,
  }));
  it.each([
    ['a setima opcao', 'Passaporte'],
    ['oitava', 'Vacinação'],
    ['o nono', 'Outro'],
    ['a última', 'Outro'],
    ['8️⃣', 'Vacinação'],
  ])('%j among nine options chooses %s', (text, value) => expect(chooseFrom(utteranceOf(text), types)?.value).toBe(value));
  it('"a nona fila" says more than a place: no choice', () => expect(chooseFrom(utteranceOf('a nona fila'), types)).toBeNull());
});

describe('free-text names (issue 17 point 5)', () => {
  it.each([
    'é a carteirinha que eu uso pra entrar no clube',
    'quero ver meu saldo',
    'quanto custa a passagem?',
    'sim é esse nome mesmo',
  ])('%j reads as a sentence: kept only once confirmed', (text) => expect(readsAsSentence(text)).toBe(true));
  it.each(['carteira de trabalho', 'carteira do conselho regional de medicina', 'Crachá da empresa'])(
    '%j reads as a name',
    (text) => expect(readsAsSentence(text)).toBe(false),
  );
  it('"salvar outro" names the type "outro"', () => expect(r.documentType('salvar outro')).toEqual({ type: 'outro' }));
});
