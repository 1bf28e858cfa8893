import { cardStates, linkedCitizen, savedDocuments } from '../support/bot-citizens';
import { startTestApp, type TestApp } from '../support/test-app';
import { faqAnswerStart, MENU, play } from '../support/transcript';

/**
 * Causes found by a blind probe over every area (dev set probe7): what a saved document counts for asked about the
 * citizen's own document, a block's reason told with the card picked after a miss, a number typed in groups, and FAQ
 * questions opened by an interjection ("pera, ...") or naming a grandmother without the accent ("minha vo"). Real
 * services and database, outcomes checked through the services.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { FAQ_SEARCH_RATE_LIMIT: '100000' } });
});
afterAll(async () => {
  await t.close();
});

describe('what a document counts for, asked about the citizen’s own', () => {
  it('is answered by the FAQ, the documents never listed', async () => {
    const { bot } = await linkedCitizen(t, ['2817']);
    for (const question of [
      'o documento q eu salvei aqui vale numa blitz ou tenho q andar com o original?',
      'minha identidade salva aqui vale como a original?',
    ]) {
      const replies = await bot.say(question);
      expect(replies[0]).toMatch(faqAnswerStart('documento-digital-vale-como-original'));
      expect(replies.join('\n')).not.toMatch(/Seus documentos/);
    }
    // Asking for them is still the listing.
    await play(bot, [['quais documentos eu salvei?', [/documento/]]]);
  });
});

describe('the reason told with the card picked after a miss', () => {
  it('is kept: the confirmation follows, and the card is blocked for it', async () => {
    const { id, bot } = await linkedCitizen(t, ['5581']);
    await play(bot, [
      ['quero bloquear o cartao final 1234', [/Não encontrei um cartão seu com final 1234/, /5581/]],
      ['ih errei, é o 5581 msm, perdi ele', [/Confirma o bloqueio do cartão •••• 5581 por perda\?/]],
      ['isso, pode bloquear ele', [/5581 bloqueado/]],
    ]);
    expect(await cardStates(t, id)).toEqual([{ status: 'blocked', reason: 'lost' }]);
  });

  it('is asked when only the card is named', async () => {
    const { bot } = await linkedCitizen(t, ['5582']);
    await play(bot, [
      ['quero bloquear o cartao final 1234', [/Não encontrei/]],
      ['é o 5582', [/Qual o motivo do cancelamento do cartão •••• 5582\?/]],
      ['cancelar', [/não foi bloqueado|NÃO foi bloqueado|continua ativo/i, MENU]],
    ]);
  });
});

describe('a document number typed in groups', () => {
  it('"GK 583 120" is the passport GK583120, kept across a question', async () => {
    const { id, bot } = await linkedCitizen(t, ['1903']);
    await play(bot, [
      ['preciso salvar o passaporte pra viagem', [/número do documento \(Passaporte\)/]],
      ['GK 583 120', [/validade/i]],
      ['ah e qnto ta a passagem do brt agr?', [faqAnswerStart('valor-da-passagem'), /validade/i]],
      ['vence 02/07/2034', [/foto|PDF/]],
      ['sem arquivo', [/Confirma|salvar/i]],
      ['sim, isso', [/salv/i]],
    ]);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'passaporte', number: 'GK583120', expiresAt: '2034-07-02' }]);
  });
});

describe('answers at a step read as the citizen meant them', () => {
  it('an impossible date is said invalid and asked again, the number kept; the CNH is saved with the right date', async () => {
    const { id, bot } = await linkedCitizen(t, ['2240']);
    await play(bot, [
      ['guarda minha carteira de motorista ai', [/número do documento \(CNH\)/]],
      ['614.172.884-77', [/validade/i]],
      ['31/02/2031', [/inválida|não existe/i, /validade/i]],
      ['foi mal, 28/02/2031', [/foto|PDF/]],
      ['nem tenho foto', [/61417288477|•••/]],
      ['ta tudo certo pode salvar', [/salv/i]],
    ]);
    expect(await savedDocuments(t, id)).toMatchObject([{ type: 'cnh', number: '61417288477', expiresAt: '2031-02-28' }]);
  });

  it('"como assim motivo?" where the reason is asked gets the step explained, the card kept', async () => {
    const { id, bot } = await linkedCitizen(t, ['5530']);
    await play(bot, [
      ['bloquear o 5530', [/Qual o motivo do cancelamento do cartão •••• 5530\?/]],
      ['como assim motivo?', [/Diga por que o cartão vai ser bloqueado/, /5530/]],
      ['furtaram na central do brasil', [/Confirma o bloqueio do cartão •••• 5530 por roubo ou furto\?/]],
      ['sss', [/5530 bloqueado/]],
    ]);
    expect(await cardStates(t, id)).toEqual([{ status: 'blocked', reason: 'stolen' }]);
  });

  it('"ah ta, blz entao" where a card is asked blocks nothing and lists nothing', async () => {
    const { id, bot } = await linkedCitizen(t, ['9780']);
    await bot.say('quero bloquear o cartao final 1234');
    const replies = (await bot.say('ah ta, blz entao')).join('\n');
    expect(replies).not.toMatch(/Seus documentos|bloqueado\./);
    expect(await cardStates(t, id)).toEqual([{ status: 'active', reason: null }]);
  });
});

describe('FAQ questions as citizens open and word them', () => {
  it('"pera, ..." at the block confirmation is answered and the confirmation asked again', async () => {
    const { id, bot } = await linkedCitizen(t, ['4187']);
    await play(bot, [
      ['quero bloquear meu cartao perdi ele na praia', [/Confirma o bloqueio/]],
      ['pera, se eu achar depois da pra desbloquear?', [faqAnswerStart('desbloquear-cartao'), /Confirma o bloqueio/]],
      ['entao ta, pode bloquear msm', [/4187 bloqueado/]],
    ]);
    expect(await cardStates(t, id)).toEqual([{ status: 'blocked', reason: 'lost' }]);
  });

  it('"minha vo" is a grandmother: the elderly exemption is answered', async () => {
    const { bot } = await linkedCitizen(t, ['8355']);
    const [reply] = await bot.say('e minha vo de 67 anos tb tem direito a nao pagar?');
    expect(reply).toMatch(faqAnswerStart('gratuidade-idosos'));
  });
});
