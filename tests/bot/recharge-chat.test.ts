import { randomUUID } from 'node:crypto';
import { parsePix, hasError } from 'pix-utils';
import { citizenWithCards, inContext, linkCode, linkedBot, linkedCitizen, rechargeOrdersOf } from '../support/bot-citizens';
import { FakeConnector, type ConnectorActivity } from '../support/fake-connector';
import { postJson } from '../support/factories';
import { startPixTestApp } from '../support/pix';
import type { TestApp } from '../support/test-app';
import { inOrder, MENU, play } from '../support/transcript';

/**
 * Recharge by Pix in the chat (issue 19, point 6), with issue 17's conversation standards: the phrasings citizens use,
 * a card named that is not active, amounts out of the order limits, cancelling, a turn delivered twice, a limit refused,
 * a question in the middle, and the whole path to the payment and its proactive notice. Real services and database, the
 * stand-in PSP (scripts/pix-psp) over mutual TLS on 127.0.0.1; every outcome is checked through the services.
 */

let t: TestApp;
beforeAll(async () => {
  t = await startPixTestApp({ env: { FAQ_SEARCH_RATE_LIMIT: '100000' } });
});
afterAll(() => t?.close());

const ASKS_AMOUNT = /Quanto você quer colocar no cartão •••• \d{4}\? Pode ser de R\$ 1,00 a R\$ 500,00/;
const confirms = (amount: string, last4 = '\\d{4}') =>
  new RegExp(`Confirma a recarga de R\\$ ${amount} no cartão •••• ${last4}\\?`);
const NO_CHARGE = /Nenhuma cobrança Pix foi criada\./;

describe('the phrasings citizens use', () => {
  it('reads the card and the amount from the request and asks only what is missing', async () => {
    const { bot, ...citizen } = await linkedCitizen(t, [{ last4: '4868' }]);
    await play(bot, [
      ['quero recarregar', [ASKS_AMOUNT]],
      ['cancelar', [/parei por aqui/, NO_CHARGE, MENU]],
      ['coloca 20 reais no meu cartão', [confirms('20,00', '4868')]],
      ['cancelar', [NO_CHARGE]],
      ['recarga de R$ 15,50 no cartão final 4868', [confirms('15,50', '4868')]],
      ['cancelar', [NO_CHARGE]],
      ['botar 10 conto no riocard', [confirms('10,00', '4868')]],
      ['cancelar', [NO_CHARGE]],
      ['recarregar 20', [confirms('20,00', '4868')]],
      ['não quero', [/não gerei o Pix/, NO_CHARGE, MENU]],
    ]);
    expect(await rechargeOrdersOf(t, citizen)).toEqual([]);
  });

  it('takes the amount in the forms people write it, and "voltar" at the confirmation corrects it', async () => {
    const { bot, ...citizen } = await linkedCitizen(t, [{ last4: '1357' }]);
    await play(bot, [['recarregar meu cartão', [ASKS_AMOUNT]]]);
    const forms: Array<[string, string]> = [
      ['20', '20,00'],
      ['R$ 20', '20,00'],
      ['20 reais', '20,00'],
      ['15,50', '15,50'],
      ['R$15,50', '15,50'],
      ['vinte reais', '20,00'],
      ['10 conto', '10,00'],
      // The amount after a word of agreement, once the first one was refused ("entao bota 500").
      ['entao bota 500', '500,00'],
      ['ok 30', '30,00'],
    ];
    for (const [form, shown] of forms) {
      await play(bot, [
        [form, [confirms(shown, '1357')]],
        ['voltar', [ASKS_AMOUNT]],
      ]);
    }
    await play(bot, [['cancelar', [NO_CHARGE]]]);
    expect(await rechargeOrdersOf(t, citizen)).toEqual([]);
  });

  it('asks which card when there are several, and takes its position or its digits', async () => {
    const { bot } = await linkedCitizen(t, [{ last4: '1111' }, { last4: '2222' }]);
    await play(bot, [['quero recarregar 30 reais', [/Qual cartão você quer recarregar\?/]]]);
    expect(bot.buttons()).toEqual(['Cartão •••• 1111', 'Cartão •••• 2222']);
    await play(bot, [
      ['o segundo', [confirms('30,00', '2222')]],
      ['cancelar', [NO_CHARGE]],
    ]);
  });
});

describe('safety', () => {
  it('a card named that is not active is said so and never replaced: the active one is offered as a choice', async () => {
    const { bot, ...citizen } = await linkedCitizen(t, [{ last4: '4868', blocked: true }, { last4: '2468' }]);
    await play(bot, [
      [
        'recarga de R$ 15,50 no cartão final 4868',
        [/O cartão •••• 4868 está bloqueado e não aceita recargas\./, NO_CHARGE, /Qual cartão você quer recarregar\?/],
      ],
    ]);
    expect(bot.buttons()).toEqual(['Cartão •••• 2468']);
    // Named again at the pick: still not taken.
    await play(bot, [['o 4868', [/•••• 4868 está bloqueado/, /Qual cartão você quer recarregar\?/]]]);
    await play(bot, [['cancelar', [NO_CHARGE]]]);
    expect(await rechargeOrdersOf(t, citizen)).toEqual([]);
  });

  it('with its only card blocked, the recharge stops there', async () => {
    const { bot, ...citizen } = await linkedCitizen(t, [{ last4: '9780', blocked: true }]);
    await play(bot, [['coloca 20 reais no cartao 9780', [/•••• 9780 está bloqueado e não aceita recargas/, NO_CHARGE, MENU]]]);
    expect(await rechargeOrdersOf(t, citizen)).toEqual([]);
  });

  it('an amount outside the order limits is refused with the limits and asked again, the card kept', async () => {
    const { bot, ...citizen } = await linkedCitizen(t, [{ last4: '5555' }]);
    await play(bot, [
      ['recarregar 0,50', [/R\$ 0,50 não dá: O valor mínimo é R\$ 1,00 por recarga\./, ASKS_AMOUNT]],
      ['600 reais', [/R\$ 600,00 não dá: O valor máximo é R\$ 500,00 por recarga\./, ASKS_AMOUNT]],
      ['sei la', [/Não entendi o valor/, ASKS_AMOUNT]],
      ['20', [confirms('20,00', '5555')]],
      ['cancelar', [NO_CHARGE]],
    ]);
    expect(await rechargeOrdersOf(t, citizen)).toEqual([]);
  });

  it('a question in the middle is answered and the step asked again with what was given; "não" creates nothing', async () => {
    const { bot, ...citizen } = await linkedCitizen(t, [{ last4: '1111' }, { last4: '2222' }]);
    await play(bot, [
      ['recarregar o cartão final 2222', [/Quanto você quer colocar no cartão •••• 2222\?/]],
      [
        'qnto custa a passagem?',
        [/tarifas/, /Voltando ao que estávamos fazendo/, /Quanto você quer colocar no cartão •••• 2222\?/],
      ],
      ['25', [confirms('25,00', '2222')]],
      ['nao', [/não gerei o Pix/, NO_CHARGE]],
    ]);
    expect(await rechargeOrdersOf(t, citizen)).toEqual([]);
  });

  it('a new request in the middle is served and the recharge offered back; three misses pause it with its data', async () => {
    const { bot, ...citizen } = await linkedCitizen(t, [{ last4: '1111' }, { last4: '2222' }]);
    await play(bot, [
      ['recarregar o segundo cartão', [/Quanto você quer colocar no cartão •••• 2222\?/]],
      ['na verdade quero ver meu saldo', [/Saldo dos seus cartões/, /Quer continuar recarregando seu cartão de onde parou\?/]],
      ['continuar', [/vamos continuar/, /Quanto você quer colocar no cartão •••• 2222\?/]],
      ['azul', [/Não entendi o valor/]],
      ['verde', [/Não entendi o valor/]],
      ['amarelo', [/pausei: você estava recarregando seu cartão/, /Guardei o que você já informou/]],
      ['continuar', [/vamos continuar/, /Quanto você quer colocar no cartão •••• 2222\?/]],
      ['12', [confirms('12,00', '2222')]],
      ['cancelar', [NO_CHARGE]],
    ]);
    expect(await rechargeOrdersOf(t, citizen)).toEqual([]);
  });

  it('the confirming turn delivered twice creates one order, and the second delivery answers with its code', async () => {
    const { bot, ...citizen } = await linkedCitizen(t, [{ last4: '3690' }]);
    await play(bot, [['coloca 20 reais no meu cartão', [confirms('20,00', '3690')]]]);
    // The first delivery creates the order, then its instance loses the database before saving the conversation: the
    // channel gets no answer and delivers the same activity again, to a conversation still at the confirmation.
    const save = jest
      .spyOn(t.app.services.conversations, 'save')
      .mockRejectedValueOnce(new Error('connection terminated unexpectedly'));
    await expect(bot.say('sim', [], 'confirm-recharge')).rejects.toThrow('connection terminated unexpectedly');
    save.mockRestore();
    expect(await rechargeOrdersOf(t, citizen)).toHaveLength(1);

    const replies = await bot.say('sim', [], 'confirm-recharge');
    const [order] = await rechargeOrdersOf(t, citizen);
    expect(await rechargeOrdersOf(t, citizen)).toHaveLength(1);
    expect(order).toMatchObject({ status: 'pending', amountCents: 2000 });
    expect(replies).toHaveLength(3);
    expect(replies[1]).toBe(order.brCode);
  });

  it('a refusal of the service (the limit of orders awaiting payment) is said in pt-BR, and nothing is created', async () => {
    const citizen = await citizenWithCards(t, [{ last4: '7410' }]);
    const actor = { id: citizen.id, role: 'citizen' as const };
    for (let i = 0; i < 3; i++) {
      await inContext(t, () => t.app.services.rechargeOrders.create(actor, citizen.cardIds[0], 1000, randomUUID()));
    }
    const bot = await linkedBot(t, citizen.id);
    await play(bot, [
      ['recarregar 20', [confirms('20,00', '7410')]],
      [
        'sim pode gerar',
        [/Não consegui gerar o Pix: Você já tem 3 recargas por Pix aguardando pagamento, o máximo permitido\./, NO_CHARGE, MENU],
      ],
    ]);
    expect(await rechargeOrdersOf(t, citizen)).toHaveLength(3);
    await play(bot, [
      ['status do pix', [/Suas últimas recargas por Pix:/, /R\$ 10,00 no cartão •••• 7410: aguardando pagamento/]],
    ]);
  });
});

describe('the whole path, on a channel that shows images, to the payment and its notice', () => {
  let connector: FakeConnector;
  beforeAll(async () => {
    connector = new FakeConnector();
    await connector.start();
  });
  afterAll(() => connector.stop());

  const conversation = `recharge-conv-${randomUUID()}`;
  async function say(text: string, id?: string): Promise<ConnectorActivity[]> {
    const res = await postJson(t, '/api/messages', connector.message({ conversation, user: 'recharge-user', text, id }));
    expect(res.status).toBe(200);
    return connector.take();
  }

  /** The words of a reply: Markdown replies carry them without markup in `speak`. */
  const plain = (activity: ConnectorActivity): string => activity.speak ?? activity.text ?? '';

  /** Waits (bounded) until the connector received a message matching `pattern`; returns everything received. */
  async function received(pattern: RegExp, deadlineMs = 5000): Promise<ConnectorActivity[]> {
    const all: ConnectorActivity[] = [];
    const until = Date.now() + deadlineMs;
    while (Date.now() < until) {
      all.push(...connector.take());
      if (all.some((a) => pattern.test(a.text ?? ''))) return all;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    throw new Error(`no message matching ${pattern} arrived; got ${JSON.stringify(all.map((a) => a.text))}`);
  }

  it('QR image and copy-and-paste code, then the payment credits the card and the citizen is told the new balance', async () => {
    const citizen = await citizenWithCards(t, [{ last4: '8642' }]);
    const code = await linkCode(t, citizen.id);
    expect((await say(`vincular ${code}`))[0].text).toMatch(/vinculada/);
    expect((await say('ativar avisos'))[0].text).toMatch(/Vou avisar aqui/);
    expect(plain((await say('coloca 20 reais no meu cartão'))[0])).toMatch(confirms('20,00', '8642'));

    const replies = await say('sim');
    const [order] = await rechargeOrdersOf(t, citizen);
    expect(order).toMatchObject({ status: 'pending', amountCents: 2000 });
    expect(replies).toHaveLength(3);
    // First: what to pay and until when (Rio time), with the QR code as an image.
    expect(plain(replies[0])).toMatch(/Gerei um Pix de R\$ 20,00 para recarregar o cartão •••• 8642/);
    const expiry = new Date(new Date(order.expiresAt).getTime() - 3 * 3_600_000);
    const hhmm = `${String(expiry.getUTCHours()).padStart(2, '0')}:${String(expiry.getUTCMinutes()).padStart(2, '0')}`;
    expect(plain(replies[0])).toContain(`às ${hhmm} (horário de Brasília)`);
    expect(replies[0].attachments).toEqual([
      expect.objectContaining({ contentType: 'image/png', contentUrl: expect.stringMatching(/^data:image\/png;base64,/) }),
    ]);
    // Then the copy-and-paste code alone, a valid BR Code for this order's amount.
    expect(replies[1].text).toBe(order.brCode);
    const parsed = parsePix(order.brCode);
    expect(hasError(parsed)).toBe(false);
    expect(inOrder(plain(replies[2]), [MENU])).toBe(true);

    // The PSP reports the payment: the card is credited and the citizen told the new balance, once.
    const settled = await t.app.services.rechargeOrders.settle({
      e2eid: `E${randomUUID().replace(/-/g, '')}`.slice(0, 32).padEnd(32, '0'),
      txid: order.txid,
      amountCents: 2000,
      paidAt: new Date(),
    });
    expect(settled.kind).toBe('credited');
    const notices = await received(/Recarga confirmada: R\$ 20,00 no cartão •••• 8642\. Saldo atual: R\$ 20,00\./);
    expect(notices.filter((a) => /Recarga confirmada/.test(a.text ?? ''))).toHaveLength(1);
    const card = await inContext(t, () => t.app.services.cards.getCard({ id: citizen.id, role: 'citizen' }, citizen.cardIds[0]));
    expect(card.balanceCents).toBe(2000);

    expect(plain((await say('status do pix'))[0])).toMatch(/R\$ 20,00 no cartão •••• 8642: paga/);
  });
});
