import { randomUUID } from 'node:crypto';
import { INTERNAL_REQUEST } from '../../src/shared/request-info';
import { BotHarness } from '../support/bot-harness';
import { citizenWithCards, inContext, linkedBot } from '../support/bot-citizens';
import { startTestApp, type TestApp } from '../support/test-app';
import { MENU, play } from '../support/transcript';

/**
 * Transcripts of the cards asked for in words (issue 17): a card's statement ("extrato do meu cartão"), the list of
 * cards with their status ("quais cartões eu tenho"), and the small talk around them: "salve", a question with no
 * topic yet, something IPlani does not do. Real services and database, through botbuilder's TestAdapter.
 */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { FAQ_SEARCH_RATE_LIMIT: '100000' } });
});
afterAll(async () => {
  await t.close();
});

type Movement = ['recharge' | 'debit', number];

/**
 * A citizen whose cards end in `cards[i].last4`, each with the movements given (oldest first) and blocked when
 * asked; every card is requested and moved through the services, as the API would.
 */
async function citizenWithMovements(
  cards: Array<{ last4: string; movements?: Movement[]; blocked?: boolean }>,
): Promise<{ id: string; cardIds: string[] }> {
  const citizen = await citizenWithCards(
    t,
    cards.map((card) => card.last4),
  );
  const actor = { id: citizen.id, role: 'citizen' as const };
  for (const [i, card] of cards.entries()) {
    const id = citizen.cardIds[i];
    for (const [type, cents] of card.movements ?? []) {
      // Seeded as an operator: the simulated recharge is admin-only (citizens pay by Pix).
      if (type === 'recharge')
        await inContext(t, () => t.app.services.cards.recharge({ ...actor, role: 'admin' }, id, cents, randomUUID()));
      else await inContext(t, () => t.app.services.cards.debit(actor, id, cents, randomUUID()));
    }
    if (card.blocked) await inContext(t, () => t.app.services.cards.block(actor, id, 'lost', INTERNAL_REQUEST));
  }
  return citizen;
}

describe('a card statement ("extrato")', () => {
  it('asks which card when there are several and shows the chosen one only, newest first, in pt-BR', async () => {
    const citizen = await citizenWithMovements([
      {
        last4: '1111',
        movements: [
          ['recharge', 2000],
          ['debit', 470],
        ],
      },
      { last4: '2222', movements: [['recharge', 700]] },
    ]);
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [['quais foram minhas ultimas recargas', [/Qual cartão você quer consultar\?/]]]);
    expect(bot.buttons()).toEqual(['Cartão •••• 1111', 'Cartão •••• 2222']);
    await play(bot, [
      [
        'o segundo',
        [/Última movimentação do cartão •••• 2222:/, /\d{2}\/\d{2}\/\d{4} \d{2}:\d{2} · Recarga · \+ R\$ 7,00/, MENU],
      ],
    ]);
    expect(bot.last[0].text).not.toMatch(/1111|20,00|4,70/);
    // Named by its digits in the request: no question, and the last movement first.
    await play(bot, [
      [
        'extrato do meu cartão final 1111',
        [/Últimas movimentações do cartão •••• 1111:/, /Passagem · − R\$ 4,70/, /Recarga · \+ R\$ 20,00/, MENU],
      ],
    ]);
    expect(bot.last[0].text).not.toMatch(/2222|7,00/);
  });

  it('with one card asks nothing, and shows at most the last 5 movements', async () => {
    const amounts = [100, 200, 300, 400, 500, 600];
    const citizen = await citizenWithMovements([
      { last4: '3456', movements: amounts.map((cents): Movement => ['recharge', cents]) },
    ]);
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [['onde gastei meu riocard', [/Últimas movimentações do cartão •••• 3456:/, /R\$ 6,00/, /R\$ 2,00/, MENU]]]);
    const text = bot.last[0].text ?? '';
    expect(text.match(/· Recarga ·/g)).toHaveLength(5);
    // The oldest of the six is the one left out.
    expect(text).not.toContain('R$ 1,00');
  });

  it("never shows another citizen's card: a card named that is not theirs is said so and their own card offered", async () => {
    const other = await citizenWithMovements([{ last4: '9999', movements: [['recharge', 3700]] }]);
    const citizen = await citizenWithMovements([{ last4: '4242', movements: [['recharge', 1500]] }]);
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [
      ['extrato do cartao final 9999', [/Não encontrei um cartão seu com final 9999\./, /Qual cartão você quer consultar\?/]],
    ]);
    expect(bot.buttons()).toEqual(['Cartão •••• 4242']);
    expect(bot.last[0].text).not.toMatch(/37,00|movimenta/);
    await play(bot, [['4242', [/Última movimentação do cartão •••• 4242:/, /R\$ 15,00/, MENU]]]);
    expect(bot.last[0].text).not.toMatch(/9999|37,00/);
    // The other citizen's card was only ever looked up among this citizen's own: its ledger is as it was.
    const page = await inContext(t, () =>
      t.app.services.cards.history({ id: other.id, role: 'citizen' }, other.cardIds[0], {}, { limit: 10 }),
    );
    expect(page.items.map((entry) => entry.amountCents)).toEqual([3700]);
  });

  it("shows a blocked card's statement too, and says when a card has no movement yet", async () => {
    const citizen = await citizenWithMovements([
      { last4: '5050', movements: [['recharge', 900]], blocked: true },
      { last4: '6060' },
    ]);
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [['extrato', [/Qual cartão/]]]);
    expect(bot.buttons()).toEqual(['Cartão •••• 5050 (bloqueado)', 'Cartão •••• 6060']);
    await play(bot, [
      ['1', [/movimentação do cartão •••• 5050:/, /R\$ 9,00/]],
      ['extrato do ultimo cartao', [/O cartão •••• 6060 ainda não tem movimentações\./, MENU]],
    ]);
  });

  it('"e o do outro tb" right after a statement shows the other card\'s; with three cards it asks which', async () => {
    const two = await citizenWithMovements([{ last4: '6710', movements: [['recharge', 700]] }, { last4: '2233' }]);
    const bot = await linkedBot(t, two.id);
    await play(bot, [
      ['quero o extrato do cartao com final 33', [/O cartão •••• 2233 ainda não tem movimentações\./, MENU]],
      ['e o do outro tb', [/movimentação do cartão •••• 6710:/, /R\$ 7,00/, MENU]],
      ['e o segundo?', [/O cartão •••• 2233 ainda não tem movimentações\./, MENU]],
    ]);
    const three = await citizenWithMovements([{ last4: '6710' }, { last4: '2233' }, { last4: '1111' }]);
    const other = await linkedBot(t, three.id);
    await play(other, [
      ['extrato do 2233', [/O cartão •••• 2233 ainda não tem movimentações\./]],
      ['e o outro?', [/Qual cartão você quer consultar\?/]],
    ]);
  });

  it('"e o outro?" follows only a statement: after a balance it shows no statement', async () => {
    const citizen = await citizenWithMovements([{ last4: '6710' }, { last4: '2233' }]);
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [
      ['saldo', [/Saldo dos seus cartões/]],
      ['e o outro?', [MENU]],
    ]);
    expect(bot.last[0].text).not.toMatch(/movimenta/);
  });

  it('an unlinked citizen is asked to link first, and the statement follows the link', async () => {
    const citizen = await citizenWithMovements([{ last4: '7171', movements: [['recharge', 1200]] }]);
    const bot = new BotHarness(t);
    await play(bot, [['extrato do meu cartão', [/Para "Ver o extrato do cartão" preciso saber quem é você/]]]);
    const replies = await bot.link(citizen.id);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/vinculada[\s\S]*movimentação do cartão •••• 7171:[\s\S]*R\$ 12,00/);
  });
});

describe('the list of cards', () => {
  it('"quais cartões eu tenho" names each card by its last digits with its status, and no balance', async () => {
    const citizen = await citizenWithMovements([
      { last4: '4321', movements: [['recharge', 800]] },
      { last4: '8765', blocked: true },
    ]);
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [
      ['quais cartões eu tenho', [/Você tem 2 cartões:/, /Cartão •••• 4321: ativo/, /Cartão •••• 8765: bloqueado/, MENU]],
    ]);
    expect(bot.last[0].text).not.toContain('R$');
  });
});

describe('small talk around the cards', () => {
  it('"salve" is a greeting, by first name when linked', async () => {
    await play(new BotHarness(t), [
      ['salve', [/^Olá! 😊 Eu sou a IPlani/, MENU]],
      ['salve salve', [/^Olá!/, MENU]],
    ]);
    const citizen = await citizenWithMovements([{ last4: '1212' }]);
    await play(await linkedBot(t, citizen.id), [['salve', [/^Olá, Maria!/, MENU]]]);
  });

  it('a question with no topic yet opens "Fazer uma pergunta", which asks for it', async () => {
    const bot = new BotHarness(t);
    await play(bot, [
      ['tenho uma dúvida', [/Qual é a sua dúvida\?/]],
      ['como faço pra recarregar o cartão?', [/recarg/i, MENU]],
      ['quero perguntar', [/Qual é a sua dúvida\?/]],
    ]);
  });

  it('declines what IPlani does not do, saying what it can do, instead of "não entendi"', async () => {
    const bot = new BotHarness(t);
    await play(bot, [
      [
        'quem ganhou o jogo do flamengo ontem?',
        [/^Com isso eu não consigo ajudar\./, /saldo, o extrato/, /documentos/, /dúvidas/, MENU],
      ],
    ]);
    expect(bot.last[0].text).not.toMatch(/não entendi/);
  });
});

describe('FAQ suggestions', () => {
  it('offers only questions that share words with the message, and the citizen picks one by its words', async () => {
    const bot = new BotHarness(t);
    await play(bot, [
      ['5', [/Qual é a sua dúvida/]],
      ['e a gratuidade como que fica', [/Alguma destas perguntas ajuda\?/]],
    ]);
    const offered = bot.buttons();
    expect(offered.at(-1)).toBe('Nenhuma destas');
    expect(offered.slice(0, -1).length).toBeGreaterThan(0);
    for (const question of offered.slice(0, -1)) expect(question).toMatch(/gratuidade/i);
    expect(offered).toContain('Idosos têm gratuidade no transporte?');
    await play(bot, [['a dos idosos', [/idos/i, MENU]]]);
    expect(bot.last[0].text).not.toMatch(/Escolha uma das opções pelo número/);
    // Thanks that happen to name a suggestion's words pick nothing: no answer the citizen did not ask for. The thanks is
    // answered as thanks (at the menu), not met with "Escolha uma das opções".
    await play(bot, [
      ['5', [/Qual é a sua dúvida/]],
      ['e a gratuidade como que fica', [/Alguma destas perguntas ajuda\?/]],
      ['ta bom obrigada vou ver a dos idosos depois', [/^Por nada/]],
    ]);
  });
});
