import { amountAnswer, amountInRequest } from '../../bot/understanding/money';
import { Recognizers } from '../../bot/understanding/recognizers';

/** Amounts of a recharge as citizens write them, in integer centavos (bot/understanding/money.ts). */
const recognizers = new Recognizers();
const inWords = (words: string) => recognizers.number(words);

describe('an amount given as the answer to "Quanto você quer colocar?"', () => {
  it.each([
    ['20', 2000],
    ['R$ 20', 2000],
    ['R$20', 2000],
    ['20 reais', 2000],
    ['15,50', 1550],
    ['R$15,50', 1550],
    ['R$ 20,00', 2000],
    ['20.5', 2050],
    ['1.000,00', 100000],
    ['vinte reais', 2000],
    ['vinte', 2000],
    ['vinte e cinco', 2500],
    ['10 conto', 1000],
    ['dez pila', 1000],
    ['uns 30 reais', 3000],
    ['pode ser 20', 2000],
    ['15 reais e 50 centavos', 1550],
  ])('%s -> %i centavos', (text, cents) => {
    expect(amountAnswer(text, inWords)).toBe(cents);
  });

  it.each(['sim', 'quanto custa a passagem?', 'azul', '', 'quero um cartao novo'])('%s is no amount', (text) => {
    expect(amountAnswer(text, inWords)).toBeNull();
  });

  it('always gives whole centavos', () => {
    for (const text of ['15,5', '0,01', '99,99', 'R$ 7,3']) expect(Number.isSafeInteger(amountAnswer(text, inWords))).toBe(true);
    expect(amountAnswer('15,5', inWords)).toBe(1550);
  });
});

describe('the amount a recharge request carries', () => {
  it.each([
    ['coloca 20 reais no meu cartão', 2000],
    ['recarga de R$ 15,50 no cartão final 4868', 1550],
    ['botar 10 conto no riocard', 1000],
    ['recarregar 20', 2000],
    ['recarga de vinte', 2000],
    ['coloca vinte e cinco reais', 2500],
    ['gera um pix de 20 reais', 2000],
  ])('%s -> %i centavos', (text, cents) => {
    expect(amountInRequest(text, inWords)).toBe(cents);
  });

  it.each(['quero recarregar', 'recarregar cartao final 4868', 'recarregar o segundo cartao', 'recarregar 4868'])(
    '%s names no amount (four digits are a card)',
    (text) => {
      expect(amountInRequest(text, inWords)).toBeNull();
    },
  );
});
