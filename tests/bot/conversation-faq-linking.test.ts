import { BotHarness } from '../support/bot-harness';
import { inContext, linkCode, linkedCitizen, listedCards } from '../support/bot-citizens';
import { registerCitizen } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { MENU, play } from '../support/transcript';

/**
 * Issue 17 (conversation, FAQ and linking): what citizens say on the way to the link code ("pera vou pegar o codigo",
 * "blz ja to gerando") keeps their request waiting instead of reading as a goodbye; a bare "vincula" explains how to
 * link; thanks at the FAQ's suggestions is thanks; a question about notices is answered, never acted on. Real services
 * and database; outcomes checked through the services.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { FAQ_SEARCH_RATE_LIMIT: '100000' } });
});
afterAll(async () => {
  await t.close();
});

function noticesOf(citizenId: string) {
  return inContext(t, () => t.app.services.notices.preferences({ id: citizenId, role: 'citizen' }));
}

describe('on the way to the link code', () => {
  it('"pera vou pegar o codigo" and "blz ja to gerando" keep the request waiting; the code in lower case in a sentence links and serves it', async () => {
    const citizen = await registerCitizen(t);
    const bot = new BotHarness(t);
    const code = await linkCode(t, citizen.id);
    await play(bot, [
      ['qto tem no meu riocard', [/preciso saber quem é você/]],
      ['pera vou pegar o codigo', [/fico esperando/]],
      ['blz ja to gerando', [/fico esperando/]],
      [`o codigo e ${code.toLowerCase()}`, [/vinculada/, /Saldo|saldo/]],
    ]);
  });

  it('"ok ja vou pegar" is no goodbye', async () => {
    const bot = new BotHarness(t);
    await play(bot, [['quero ver meus documentos', [/preciso saber quem é você/]]]);
    const replies = await bot.say('ok ja vou pegar');
    expect(replies.join('\n')).toMatch(/fico esperando/);
    expect(replies.join('\n')).not.toMatch(/Até mais/);
  });

  it('a bare "vincula" explains how to get the code instead of offering FAQ questions; linked, it says so', async () => {
    const bot = new BotHarness(t);
    const replies = await bot.say('vincula');
    expect(replies.join('\n')).toMatch(/Vincular canal[\s\S]*vincular SEU-CÓDIGO/);
    expect(replies.join('\n')).not.toMatch(/Alguma destas perguntas/);
    const { bot: linked } = await linkedCitizen(t);
    await play(linked, [['vincular', [/já está vinculada/, MENU]]]);
  });
});

describe("at the FAQ's suggestions", () => {
  it('"kkk obrigado" is thanked at the menu, not asked to pick an option', async () => {
    const { bot } = await linkedCitizen(t);
    await play(bot, [['e a senha como que fica', [/Alguma destas perguntas ajuda\?/]]]);
    const replies = await bot.say('kkk obrigado ja entendi');
    expect(replies.join('\n')).toMatch(/Por nada/);
    expect(replies.join('\n')).not.toMatch(/Escolha uma das opções pelo número/);
  });

  it('"a de quando esquece" picks the question about a forgotten password, it does not cancel', async () => {
    const { bot } = await linkedCitizen(t);
    await play(bot, [['e a senha como que fica', [/Esqueci minha senha/]]]);
    const replies = await bot.say('a de quando esquece');
    expect(replies.join('\n')).toMatch(/Esqueci minha senha|recuperar|redefinir/i);
    expect(replies.join('\n')).not.toMatch(/cancelei/);
  });

  it('a new question without a question mark is searched anew', async () => {
    const { bot } = await linkedCitizen(t);
    await play(bot, [['e a senha como que fica', [/Alguma destas perguntas ajuda\?/]]]);
    const replies = await bot.say('e pra trocar o email do cadastro');
    expect(replies.join('\n')).toMatch(/Editar dados/);
  });
});

describe('questions about notices', () => {
  it('"o app me avisa qdo minha cnh ta pra vencer?" is answered and changes nothing; "nao quero esse aviso pode desligar" turns off the one on', async () => {
    const { id, bot } = await linkedCitizen(t);
    await inContext(t, () =>
      t.app.services.notices.update({ id, role: 'citizen' }, { expiryReminders: true, lowBalanceThresholdCents: null }),
    );
    const before = await noticesOf(id);
    await play(bot, [['o app me avisa qdo minha cnh ta pra vencer?', [/avisa quando ela está perto/, MENU]]]);
    expect(await noticesOf(id)).toEqual(before);
    await play(bot, [['a carteira avisa qdo o documento vai vencer', [/avisa quando ela está perto/, MENU]]]);
    expect(await noticesOf(id)).toEqual(before);
    await play(bot, [['nao quero esse aviso nao pode desligar', [/não vou mais mandar lembretes de vencimento/]]]);
    expect(await noticesOf(id)).toEqual({ expiryReminders: false, lowBalanceThresholdCents: null });
  });

  it('with both notices on, an unnamed "desliga o aviso" turns nothing off and shows the choices', async () => {
    const { id, bot } = await linkedCitizen(t);
    await inContext(t, () =>
      t.app.services.notices.update({ id, role: 'citizen' }, { expiryReminders: true, lowBalanceThresholdCents: 500 }),
    );
    await play(bot, [['nao quero esse aviso nao pode desligar', [/Seus avisos/]]]);
    expect(await noticesOf(id)).toEqual({ expiryReminders: true, lowBalanceThresholdCents: 500 });
  });
});

describe('the offer to go on with a paused flow', () => {
  it('"valeu" keeps the flow for later instead of asking again', async () => {
    const { bot } = await linkedCitizen(t);
    await play(bot, [
      ['quero bloquear meu cartao', [/Qual o motivo/]],
      ['pera qual meu saldo mesmo', [/saldo|R\$/, /Quer continuar bloqueando seu cartão/]],
    ]);
    const replies = await bot.say('valeu');
    expect(replies.join('\n')).toMatch(/guardei o que já informou/);
    expect(replies.join('\n')).not.toMatch(/Quer continuar/);
  });
});

describe('questions at the menu', () => {
  it('two questions in one message are both answered, in the order asked', async () => {
    const { bot } = await linkedCitizen(t);
    const said = (await bot.say('qnto custa a passagem? e idoso paga?')).join('\n');
    const fare = said.indexOf('Os valores das tarifas');
    const seniors = said.indexOf('pessoas idosas têm direito à gratuidade');
    expect(fare).toBeGreaterThanOrEqual(0);
    expect(seniors).toBeGreaterThan(fare);
  });

  it('a story told without a question mark is answered from what follows "queria saber"', async () => {
    const { id, bot } = await linkedCitizen(t);
    const replies = await bot.say(
      'boa noite ontem eu vim do trabalho e quando cheguei em casa o cartao nao tava mais na bolsa eu procurei em tudo ' +
        'e tinha colocado quarenta reais nele semana passada meu irmao falou que ja era entao eu queria saber se eu ' +
        'consigo pegar o saldo de volta num cartao novo',
    );
    expect(replies.join('\n')).toMatch(/segunda via/);
    const cards = await listedCards(t, id);
    expect(cards.every((card) => card.status === 'active')).toBe(true);
  });

  it('chat shorthand does not dilute a question: "esqueci a senha do app oq eu faço agr" is answered', async () => {
    const { bot } = await linkedCitizen(t);
    await play(bot, [['esqueci a senha do app oq eu faço agr', [/Esqueci minha senha|senha/, MENU]]]);
    expect(bot.log.join('\n')).not.toMatch(/Alguma destas perguntas/);
  });

  it('"como q faz pra ver o saldo" is the FAQ\'s answer, not the help text; "ah que bom entao ta" is acknowledged', async () => {
    const { bot } = await linkedCitizen(t);
    await play(bot, [
      ['como q faz pra ver o saldo', [/O saldo aparece no cartão/, MENU]],
      ['ah que bom entao ta', [/^Certo! 😊/]],
    ]);
  });
});

describe('small talk at the menu', () => {
  it('"brigadao vc me ajudou mto" is thanks, not a call for help; "um minuto" is waited for, not declined', async () => {
    const { bot } = await linkedCitizen(t);
    await play(bot, [['brigadao vc me ajudou mto', [/^Por nada/]]]);
    const replies = await bot.say('um minuto');
    expect(replies.join('\n')).not.toMatch(/não consigo ajudar|Alguma destas perguntas/);
  });

  it('"pera" while a request waits for the link code keeps it waiting', async () => {
    const bot = new BotHarness(t);
    await play(bot, [
      ['quero ver meu extrato', [/preciso saber quem é você/]],
      ['pera', [/fico esperando/]],
    ]);
  });
});

describe('how-questions about a feature', () => {
  it('"como vejo meu saldo?" answers how (the FAQ), it shows no balance; "vcs avisam quando o saldo ta acabando?" shows the choices and changes none', async () => {
    const { id, bot } = await linkedCitizen(t);
    const before = await noticesOf(id);
    await play(bot, [['como vejo meu saldo?', [/O saldo aparece no cartão/, MENU]]]);
    expect(bot.log.join('\n')).not.toMatch(/R\$ \d/);
    await play(bot, [['vcs avisam quando o saldo ta acabando?', [/Seus avisos/]]]);
    expect(await noticesOf(id)).toEqual(before);
  });
});

describe('a card named with nothing asked of it', () => {
  it('"o cartao" starts no block; "quero desativar meu cartao" does', async () => {
    const { bot } = await linkedCitizen(t);
    const replies = await bot.say('o cartao');
    expect(replies.join('\n')).not.toMatch(/motivo do cancelamento|Confirma o bloqueio/);
    await play(bot, [['quero desativar meu cartao', [/Qual o motivo|Confirma o bloqueio/]]]);
  });
});
