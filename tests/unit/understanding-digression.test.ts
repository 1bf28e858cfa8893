import { ClassifierUnderstanding } from '../../bot/understanding/classifier-understanding';
import type { Expecting } from '../../bot/understanding';
import { asksToWait } from '../../bot/understanding/digression';

/**
 * What a message typed at a flow's step does to the flow, as the understanding reads it (trained from the committed
 * corpus, as in production): "continuar" never stops a flow, "depois eu vejo isso" takes leave (the flow is paused).
 */

const STEPS: Expecting[] = [
  { at: 'block.reason' },
  { at: 'block.confirm', options: [{ intent: 'yes' }, { intent: 'no' }] },
  { at: 'save.number' },
  { at: 'save.expiry', options: [{ intent: 'skip' }] },
  { at: 'save.attachment', options: [{ intent: 'skip' }] },
  { at: 'save.confirm', options: [{ intent: 'yes' }, { intent: 'no' }] },
];

let understanding: ClassifierUnderstanding;
beforeAll(async () => {
  understanding = await ClassifierUnderstanding.create();
});

describe.each(STEPS)('at $at', (expecting) => {
  it.each(['continuar', 'quero continuar', 'continua'])('"%s" is no cancel, no leave and no yes', async (text) => {
    const utterance = await understanding.parse(text, expecting);
    expect(utterance.command).toBeNull();
    expect(utterance.act).not.toBe('cancel');
    expect(utterance.yesNo).toBeNull();
    expect(utterance.digression ?? null).toBeNull();
  });

  it.each(['depois eu vejo isso', 'vou ver isso depois'])('"%s" takes leave: a goodbye that pauses the flow', async (text) => {
    const utterance = await understanding.parse(text, expecting);
    expect(utterance.command).toBeNull();
    expect(utterance.digression).toBe('goodbye');
  });
});

describe('a moment asked for', () => {
  it.each([
    'pera',
    'peraí vou pegar',
    'um minutinho',
    'deixa eu ver aqui',
    'so um minuto vou buscar',
    'pera que vou pegar a carteira',
    'deixa eu ver se acho primeiro',
    'vou procurar em casa primeiro',
  ])('"%s" at a step is waited, read as nothing else', (text) => expect(asksToWait({ at: 'block.confirm' }, text)).toBe(true));
  it.each(['pera perdi meu riocard agora', 'peraí se eu bloquear eu perco o saldo?', 'pera 45733270661', 'espera, cancela'])(
    '"%s" says more than that',
    (text) => expect(asksToWait({ at: 'save.number' }, text)).toBe(false),
  );
  it('at the menu, nothing is being waited for', () => expect(asksToWait({ at: 'menu' }, 'pera')).toBe(false));
});

describe('questions typed as on WhatsApp, at the number step', () => {
  const at: Expecting = { at: 'save.number' };

  it.each([
    'botei a data de validade errada como eu corrijo',
    'tentei mandar o pdf e deu erro pq sera',
    'errei a senha um monte de vez e agora ta bloqueado',
    'tem um maximo de documento q posso por na carteira',
  ])('"%s" is a question, with or without its question mark', async (text) => {
    expect((await understanding.parse(text, at)).digression).toBe('question');
  });

  it.each(['kkk', 'ok', 'sim', 'nao tenho a cnh aqui comigo agora', 'valeu'])(
    '"%s" is no question put to the FAQ',
    async (text) => {
      expect((await understanding.parse(text, at)).digression ?? null).not.toBe('question');
    },
  );
});

describe.each(['history.card', 'block.card', 'recharge.card'] as const)('where a card is picked (%s)', (at) => {
  it.each([
    ['quanto tem em cada um?', 'request'],
    ['quais cartoes eu tenho mesmo?', 'request'],
    ['ve o saldo de todos antes', 'request'],
    ['na verdade quero ver meu saldo', 'request'],
    ['qual o meu saldo?', 'request'],
    ['quero ver o saldo', 'request'],
    ['quero saber meu saldo primeiro', 'request'],
    ['o que tem mais saldo', null],
    ['o de maior saldo', null],
    ['qual tem mais saldo?', null],
    ['qual cartao?', null],
  ])('"%s" is %s', async (text, digression) => {
    const utterance = await understanding.parse(text, { at });
    expect(utterance.digression ?? null).toBe(digression);
  });
});

it('the status of a Pix asked at a confirmation is the request, never a question for the FAQ', async () => {
  const utterance = await understanding.parse('o pix que fiz ja caiu?', { at: 'block.confirm' });
  expect(utterance.digression).toBe('request');
});

describe('a long story that asks something', () => {
  const story =
    'oi bom dia desculpa incomodar eu trabalho de porteiro no leblon e moro em nova iguacu entao pego trem e onibus ' +
    'todo santo dia e meu patrao falou que nao vai mais pagar minha passagem do mes inteiro se eu nao provar quanto gasto ' +
    'entao eu queria saber como eu faço pra ver tudo que eu gastei no mes';

  it.each(STEPS)('is a question at $at, whatever a few of its words read as', async (expecting) => {
    const utterance = await understanding.parse(story, expecting);
    expect(utterance.command).toBeNull();
    expect(utterance.digression).toBe('question');
  });

  it('goes to the FAQ at the menu, not to a command', async () => {
    const utterance = await understanding.parse(story, { at: 'menu' });
    expect(utterance.command).toBeNull();
    expect(utterance.faqFirst).toBe(true);
  });

  it('a story that makes a new request is not put to the FAQ', async () => {
    const utterance = await understanding.parse(
      'oi bom dia desculpa incomodar eu trabalho de porteiro no leblon e moro em nova iguacu entao pego trem e onibus ' +
        'todo santo dia e hoje cedo me roubaram a bolsa no trem com tudo dentro entao eu quero bloquear meu cartao agora ' +
        'mesmo porque tinha saldo nele e nao sei o que fazer',
      { at: 'save.number' },
    );
    expect(utterance.act).toBe('block_card');
    expect(utterance.digression).not.toBe('question');
  });
});
