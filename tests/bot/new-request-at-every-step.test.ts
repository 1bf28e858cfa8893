import { findDocumentType } from '../../src/documents/document-types';
import { linkedCitizen } from '../support/bot-citizens';
import { startPixTestApp } from '../support/pix';
import type { TestApp } from '../support/test-app';
import { play, type Step } from '../support/transcript';

/**
 * Issue 17 point 3, at every step of every flow that pauses: a clear request for something else ("na verdade quero ver
 * meu saldo", "quero ver meus documentos", "quero bloquear meu cartao") is served, the paused flow is offered back,
 * "continuar" asks the same step again and the step's own answer still works. Card steps included: a citizen with two
 * cards is asked which one, whatever flow asks. Real services and database.
 */

let t: TestApp;
beforeAll(async () => {
  t = await startPixTestApp({ env: { FAQ_SEARCH_RATE_LIMIT: '100000' } });
});
afterAll(() => t?.close());

const cnh = findDocumentType('cnh')!;
/** The digits a linked citizen's two cards end in: every flow that needs a card asks which one. */
const TWO_CARDS = ['1118', '2290'];

type Flow = 'history' | 'block' | 'recharge' | 'save';

interface StepCase {
  /** The step, as the understanding names it. */
  at: string;
  flow: Flow;
  /** What brings the citizen to the step. */
  reach: Step[];
  /** The step's question, asked again when the flow is resumed. */
  asks: RegExp;
  /** An answer of the step's own, and what it leads to. */
  answer: Step;
}

const ASKS_HISTORY_CARD = /Qual cartão você quer consultar\?/;
const ASKS_BLOCK_CARD = /Qual cartão você quer cancelar\?/;
const ASKS_REASON = /Qual o motivo do cancelamento do cartão •+ ?1118\?/;
const ASKS_BLOCK_CONFIRM = /Confirma o bloqueio do cartão •+ ?1118/;
const ASKS_RECHARGE_CARD = /Qual cartão você quer recarregar\?/;
const ASKS_AMOUNT = /Quanto você quer colocar no cartão •+ ?1118\?/;
const ASKS_RECHARGE_CONFIRM = /Confirma a recarga de R\$ 20,00 no cartão •+ ?1118/;
const ASKS_TYPE = /Qual documento você quer salvar\?/;
const ASKS_NUMBER = /Qual é o número do documento \(CNH\)\?/;
const ASKS_EXPIRY = /Qual é a data de validade\?/;
const ASKS_ATTACHMENT = /Quer anexar uma foto ou PDF/;
const ASKS_SAVE_CONFIRM = /Posso salvar\?/;

const STEPS: StepCase[] = [
  {
    at: 'history.card',
    flow: 'history',
    reach: [['extrato', [ASKS_HISTORY_CARD]]],
    asks: ASKS_HISTORY_CARD,
    answer: ['final 1118', [/cartão •+ ?1118 ainda não tem movimentações/]],
  },
  {
    at: 'block.card',
    flow: 'block',
    reach: [['quero bloquear meu cartao', [ASKS_BLOCK_CARD]]],
    asks: ASKS_BLOCK_CARD,
    answer: ['final 1118', [ASKS_REASON]],
  },
  {
    at: 'block.reason',
    flow: 'block',
    reach: [['quero bloquear o cartao final 1118', [ASKS_REASON]]],
    asks: ASKS_REASON,
    answer: ['perda', [ASKS_BLOCK_CONFIRM]],
  },
  {
    at: 'block.confirm',
    flow: 'block',
    reach: [['perdi meu cartao final 1118', [ASKS_BLOCK_CONFIRM]]],
    asks: ASKS_BLOCK_CONFIRM,
    answer: ['sim', [/bloquead/]],
  },
  {
    at: 'recharge.card',
    flow: 'recharge',
    reach: [['quero recarregar', [ASKS_RECHARGE_CARD]]],
    asks: ASKS_RECHARGE_CARD,
    answer: ['final 1118', [ASKS_AMOUNT]],
  },
  {
    at: 'recharge.amount',
    flow: 'recharge',
    reach: [['quero recarregar o cartao final 1118', [ASKS_AMOUNT]]],
    asks: ASKS_AMOUNT,
    answer: ['20', [ASKS_RECHARGE_CONFIRM]],
  },
  {
    at: 'recharge.confirm',
    flow: 'recharge',
    reach: [
      ['quero recarregar o cartao final 1118', [ASKS_AMOUNT]],
      ['20', [ASKS_RECHARGE_CONFIRM]],
    ],
    asks: ASKS_RECHARGE_CONFIRM,
    answer: ['nao', [/.+/]],
  },
  {
    at: 'save.type',
    flow: 'save',
    reach: [['quero salvar um documento', [ASKS_TYPE]]],
    asks: ASKS_TYPE,
    answer: ['cnh', [ASKS_NUMBER]],
  },
  {
    at: 'save.number',
    flow: 'save',
    reach: [['quero salvar minha cnh', [ASKS_NUMBER]]],
    asks: ASKS_NUMBER,
    answer: [cnh.numberExample, [ASKS_EXPIRY]],
  },
  {
    at: 'save.expiry',
    flow: 'save',
    reach: [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
    ],
    asks: ASKS_EXPIRY,
    answer: ['10/10/2030', [ASKS_ATTACHMENT]],
  },
  {
    at: 'save.attachment',
    flow: 'save',
    reach: [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
      ['10/10/2030', [ASKS_ATTACHMENT]],
    ],
    asks: ASKS_ATTACHMENT,
    answer: ['pula', [ASKS_SAVE_CONFIRM]],
  },
  {
    at: 'save.confirm',
    flow: 'save',
    reach: [
      ['quero salvar minha cnh', [ASKS_NUMBER]],
      [cnh.numberExample, [ASKS_EXPIRY]],
      ['10/10/2030', [ASKS_ATTACHMENT]],
      ['pula', [ASKS_SAVE_CONFIRM]],
    ],
    asks: ASKS_SAVE_CONFIRM,
    answer: ['sim', [/Documento salvo/]],
  },
];

/** The offer back of each flow once paused. */
const OFFER: Record<Flow, RegExp> = {
  history: /Quer continuar vendo o extrato do seu cartão de onde parou\?/,
  block: /Quer continuar bloqueando seu cartão de onde parou\?/,
  recharge: /Quer continuar recarregando seu cartão de onde parou\?/,
  save: /Quer continuar salvando (sua CNH|seu documento) de onde parou\?/,
};

/** Requests served in one turn, with what serving them shows. */
const LOOKUPS: Array<[request: string, served: RegExp]> = [
  ['na verdade quero ver meu saldo', /Saldo dos seus cartões/],
  ['qual o meu saldo?', /Saldo dos seus cartões/],
  ['quero saber meu saldo primeiro', /Saldo dos seus cartões/],
  ['quero ver meus documentos', /Você ainda não tem documentos salvos/],
];

describe.each(STEPS)('at $at', ({ flow, reach, asks, answer }) => {
  it.each(LOOKUPS)(
    '"%s" is served, the flow offered back; "continuar" asks the step again and its answer works',
    async (request, served) => {
      const { bot } = await linkedCitizen(t, TWO_CARDS);
      await play(bot, [...reach, [request, [served, OFFER[flow]]], ['continuar', [asks]], answer]);
    },
  );

  if (flow !== 'block') {
    it('"quero bloquear meu cartao" starts the block, and the flow is offered back once it is done', async () => {
      const { bot } = await linkedCitizen(t, TWO_CARDS);
      await play(bot, [
        ...reach,
        ['quero bloquear meu cartao', [ASKS_BLOCK_CARD]],
        ['final 2290', [/Qual o motivo do cancelamento do cartão •+ ?2290\?/]],
        ['perda', [/Confirma o bloqueio do cartão •+ ?2290/]],
        ['sim', [/bloquead/, OFFER[flow]]],
        ['continuar', [asks]],
        answer,
      ]);
    });
  }
});

describe('at the statement card step, a card named is the card', () => {
  it.each(['o primeiro', '1118', 'final 1118'])('"%s" shows that card\'s statement', async (text) => {
    const { bot } = await linkedCitizen(t, TWO_CARDS);
    await play(bot, [
      ['extrato', [ASKS_HISTORY_CARD]],
      [text, [/cartão •+ ?1118 ainda não tem movimentações/]],
    ]);
  });

  // Decided: a card named at the step that asks which card to look at answers it, whatever else the words say. The
  // citizen is asked "Qual cartão você quer consultar?" and names one: they get that card's statement, not every card's
  // balance; "qual o meu saldo?", naming none, is the balance (above).
  it('"saldo do cartao final 1118" is that card: its statement is shown', async () => {
    const { bot } = await linkedCitizen(t, TWO_CARDS);
    await play(bot, [
      ['extrato', [ASKS_HISTORY_CARD]],
      ['saldo do cartao final 1118', [/cartão •+ ?1118 ainda não tem movimentações/]],
    ]);
  });

  it('"o que tem mais saldo" describes a card: it is no request for the balance', async () => {
    const { bot } = await linkedCitizen(t, TWO_CARDS);
    const [reply] = await bot.say('extrato').then(() => bot.say('o que tem mais saldo'));
    expect(reply).not.toMatch(/Saldo dos seus cartões/);
  });
});
