import { parseAmountCents, parseNoticeRequest } from '../../bot/understanding/notice-settings';

/** The small parser behind the notice_settings intent: which change a message asks, and the amount in centavos. */
describe('parseNoticeRequest', () => {
  it.each([
    ['me avisa quando o saldo ficar abaixo de 5 reais', { kind: 'low-balance', thresholdCents: 500 }],
    ['me alerta se o saldo ficar menor que R$ 7,50', { kind: 'low-balance', thresholdCents: 750 }],
    ['alerta de saldo abaixo de 10', { kind: 'low-balance', thresholdCents: 1000 }],
    ['aviso de saldo abaixo de 50 centavos', { kind: 'low-balance', thresholdCents: 50 }],
    ['avisa qdo o saldo tiver menos de cinco reais', { kind: 'low-balance', thresholdCents: 500 }],
    ['me avisa quando o saldo ficar baixo', { kind: 'low-balance-no-amount' }],
    ['desativar o aviso de saldo baixo', { kind: 'low-balance-off' }],
    ['parar avisos de vencimento', { kind: 'expiry', on: false }],
    ['não quero mais lembrete de vencimento', { kind: 'expiry', on: false }],
    ['quero lembrete de vencimento dos documentos', { kind: 'expiry', on: true }],
    // The balance by its amount or the card, without the word "saldo"; the reminders by the document they are about.
    ['me avisa quando tiver menos de 5 reais no cartao', { kind: 'low-balance', thresholdCents: 500 }],
    ['quero um alerta se o riocard ficar abaixo de R$ 3', { kind: 'low-balance', thresholdCents: 300 }],
    ['me avisa quando o cartao tiver acabando', { kind: 'low-balance-no-amount' }],
    ['para de me mandar aviso da cnh', { kind: 'expiry', on: false }],
    ['quero ser avisado quando meu rg for vencer', { kind: 'expiry', on: true }],
    ['nao quero mais receber lembrete', { kind: 'expiry', on: false }],
    ['quais lembretes eu tenho', { kind: 'list' }],
    ['quais avisos tenho ativos', { kind: 'list' }],
    ['meus avisos', { kind: 'list' }],
    ['configurar avisos', { kind: 'help' }],
    // Off, without saying which: the only one on, if only one is (bot/ports.ts, onlyNoticeOn).
    ['nao quero esse aviso nao pode desligar', { kind: 'off-unnamed' }],
  ])('%s', (text, expected) => {
    expect(parseNoticeRequest(text)).toEqual(expected);
  });

  it('finds nothing in a message about no notice', () => {
    expect(parseNoticeRequest('qual meu saldo')).toBeNull();
    expect(parseNoticeRequest('quando vence minha cnh?')).toBeNull();
  });
});

describe('parseAmountCents', () => {
  it.each([
    ['R$ 5', 500],
    ['r$5,5', 550],
    ['12 reais', 1200],
    ['3,25 reais', 325],
    ['80 centavos', 80],
    ['dez reais', 1000],
    ['sem valor', null],
  ])('%s', (text, expected) => {
    expect(parseAmountCents(text)).toBe(expected);
  });
});
