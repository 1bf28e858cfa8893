import { Transactions } from '../../src/db/repository';
import type { ConnectorActivity, FakeConnector } from '../support/fake-connector';
import { startBotTestSetup, type BotTestSetup } from '../support/bot-test-setup';
import { postJson, registerAdmin, type SignedInCitizen } from '../support/factories';
import { DirectLineClient } from '../support/directline-client';
import type { TestApp } from '../support/test-app';

/** Proactive notifications through a fake Bot Connector: opt in by chat, then act through the REST API. */
let t: TestApp;
let connector: FakeConnector;
let citizen: SignedInCitizen;
/** Funds the citizen's card: the simulated recharge is an admin's tool (citizens pay by Pix). */
let admin: SignedInCitizen;
let cardId: string;
let setup: BotTestSetup;

beforeAll(async () => {
  setup = await startBotTestSetup();
  ({ t, connector, citizen, cardId } = setup);
  admin = await registerAdmin(t);
});
afterAll(() => setup.close());

async function say(text: string): Promise<ConnectorActivity[]> {
  const res = await postJson(
    t,
    '/api/messages',
    connector.message({ conversation: 'notify-conv-emulator', user: 'notify-user-emulator', text }),
  );
  expect(res.status).toBe(200);
  return connector.take();
}

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

describe('proactive notifications', () => {
  it('an unlinked conversation cannot opt in', async () => {
    const replies = await say('ativar avisos');
    expect(replies[0].text).toMatch(/primeiro vincule/);
  });

  it('after opting in, a REST recharge and a REST block are announced once each in the linked conversation', async () => {
    const code = (await (await t.fetch('/v1/bot/link-codes', { method: 'POST', headers: citizen.auth })).json()) as {
      code: string;
    };
    expect((await say(`vincular ${code.code}`))[0].text).toMatch(/vinculada/);
    expect((await say('ativar avisos'))[0].text).toMatch(/Vou avisar aqui/);

    const recharge = () =>
      postJson(t, `/v1/cards/${cardId}/recharges`, { amountCents: 1234 }, { ...admin.auth, 'idempotency-key': 'notify-1' });
    expect((await recharge()).status).toBe(201);
    const first = await received(/Recarga confirmada: R\$ 12,34 no cartão •••• \d{4}\. Saldo atual: R\$ 12,34/);
    expect(first.filter((a) => /Recarga confirmada/.test(a.text ?? ''))).toHaveLength(1);

    // A replay is the same recharge: no second notice. The block notice that follows proves the queue moved on.
    const replay = await recharge();
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await postJson(t, `/v1/cards/${cardId}/block`, { reason: 'lost' }, citizen.auth)).status).toBe(200);
    const after = await received(/foi bloqueado\. Protocolo: \d{4}-\d{6}/);
    expect(after.filter((a) => /Recarga confirmada/.test(a.text ?? ''))).toHaveLength(0);
  });

  it('tells the citizen about a Pix payment given back, with the amount, the card and why', async () => {
    // The event as RechargeOrdersService.refundSettled writes it once the PSP says DEVOLVIDO, in the refund's
    // transaction (tests/integration/pix.test.ts); the dispatcher, woken after the commit, sends it.
    await new Transactions(t.app.db.em.fork()).run((tx) =>
      t.app.services.outbox.add(tx, 'pix-refunded:Dnotifications0000000000000000aa', {
        type: 'pix-refunded',
        userId: citizen.id,
        cardId,
        maskedNumber: '•••• 4321',
        orderId: '0190c0de-0000-7000-8000-0000000000aa',
        amountCents: 2550,
        reason: 'late',
      }),
    );
    t.app.services.outbox.committed();
    const notices = await received(/Pix devolvido: o pagamento de R\$ 25,50 para recarregar o cartão •••• 4321/);
    const notice = notices.find((a) => /Pix devolvido/.test(a.text ?? ''))!;
    expect(notice.text).toMatch(/depois do prazo do código Pix\. O saldo do cartão não mudou\.$/);
    expect(notices.filter((a) => /Pix devolvido/.test(a.text ?? ''))).toHaveLength(1);
  });

  it('after opting out, nothing is stored to write to', async () => {
    expect((await say('desativar avisos'))[0].text).toMatch(/não vou mais mandar avisos/);
    expect(await t.app.services.notificationSubscriptions.addressesOf(citizen.id)).toEqual([]);
  });

  it('"ativar avisos" as the first message of a new conversation opts in, and that conversation goes on as usual', async () => {
    // The same linked channel account in a conversation nothing was stored for yet.
    const sayInNew = async (text: string) => {
      const activity = connector.message({ conversation: 'notify-conv-new', user: 'notify-user-emulator', text });
      expect((await postJson(t, '/api/messages', activity)).status).toBe(200);
      return connector.take();
    };
    expect((await sayInNew('ativar avisos'))[0].text).toMatch(/Vou avisar aqui/);
    expect(await t.app.services.notificationSubscriptions.addressesOf(citizen.id)).toHaveLength(1);
    // Its first saved turn kept the opt-in, and the next turns are saved over it.
    expect((await sayInNew('meu saldo'))[0].text).toMatch(/Saldo/);
    expect((await sayInNew('meus cartoes'))[0].text).toMatch(/•••• \d{4}/);
    expect(await t.app.services.notificationSubscriptions.addressesOf(citizen.id)).toHaveLength(1);
    expect((await sayInNew('desativar avisos'))[0].text).toMatch(/não vou mais mandar avisos/);
    expect(await t.app.services.notificationSubscriptions.addressesOf(citizen.id)).toEqual([]);
  });

  it("desvincular switches the notices of that channel account off, and the conversation is nobody's", async () => {
    expect((await say('ativar avisos'))[0].text).toMatch(/Vou avisar aqui/);
    expect(await t.app.services.notificationSubscriptions.addressesOf(citizen.id)).toHaveLength(1);
    expect((await say('desvincular'))[0].text).toMatch(/desvinculei/);
    expect(await t.app.services.notificationSubscriptions.addressesOf(citizen.id)).toEqual([]);
    const owner = await t.app.db.em
      .fork()
      .execute<{ user_id: string | null }[]>('select user_id from conversations where conversation_id = ?', [
        'notify-conv-emulator',
      ]);
    expect(owner).toEqual([{ user_id: null }]);
  });

  it('the city web chat can opt in, and a recharge appends its notice to that conversation', async () => {
    const chat = await DirectLineClient.forCitizen(t, citizen.accessToken);
    expect((await chat.start()).status).toBe(201);
    await chat.next();
    // The conversation is stored after its first turn; opting in is a later one.
    expect(await chat.ask('oi')).not.toBe('');
    expect(await chat.ask('ativar avisos')).toMatch(/Vou avisar aqui/);
    // The first card was blocked above: a second one takes the recharge.
    const issued = await postJson(t, '/v1/cards', {}, citizen.auth);
    expect(issued.status).toBe(201);
    const secondCard = ((await issued.json()) as { id: string }).id;
    const res = await postJson(
      t,
      `/v1/cards/${secondCard}/recharges`,
      { amountCents: 500 },
      { ...admin.auth, 'idempotency-key': 'notify-webchat' },
    );
    expect(res.status).toBe(201);
    const texts: string[] = [];
    const until = Date.now() + 5000;
    while (!texts.some((text) => /Recarga confirmada: R\$ 5,00/.test(text)) && Date.now() < until) {
      texts.push(...(await chat.next()).filter((a) => a.from.role === 'bot').map((a) => a.text ?? ''));
    }
    expect(texts.filter((text) => /Recarga confirmada/.test(text))).toEqual([
      expect.stringMatching(/Recarga confirmada: R\$ 5,00 no cartão •••• \d{4}\. Saldo atual: R\$ 5,00\./),
    ]);
  });
});
