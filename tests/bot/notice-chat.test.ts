import { randomUUID } from 'node:crypto';
import type { ConnectorActivity, FakeConnector } from '../support/fake-connector';
import { startBotTestSetup, type BotTestSetup } from '../support/bot-test-setup';
import { createDocument, postJson, registerAdmin, type SignedInCitizen } from '../support/factories';
import type { TestApp } from '../support/test-app';
import { addDays, todayInRio } from '../../src/documents/expiry';
import { NOTICE_JOBS } from '../../src/notices/notice-jobs';

/**
 * The citizen's notices in the chat (issue 18): "me avisa quando o saldo ficar abaixo de 5 reais", "parar avisos de
 * vencimento", "quais avisos tenho ativos", read by the classifier's notice_settings intent and the notice parser, and
 * the two new notices (low balance, document expiring) arriving proactively in a conversation that said "ativar avisos".
 * Real app, database and understanding; a fake Bot Connector receives the replies.
 */

let t: TestApp;
let connector: FakeConnector;
let citizen: SignedInCitizen;
let cardId: string;
let setup: BotTestSetup;

beforeAll(async () => {
  // Not the default days: the chat's answer must say the configured ones.
  setup = await startBotTestSetup({ NOTIFY_EXPIRY_REMINDER_DAYS: '15,7,0' });
  ({ t, connector, citizen, cardId } = setup);
});
afterAll(() => setup.close());

async function say(text: string, conversation = 'notice-conv'): Promise<string> {
  const res = await postJson(t, '/api/messages', connector.message({ conversation, user: `${conversation}-user`, text }));
  expect(res.status).toBe(200);
  return connector
    .take()
    .map((a) => a.text ?? '')
    .join('\n');
}

/**
 * What the connector received once the notification dispatcher's runs woken so far have finished (each change wrote
 * its event to the outbox and woke the dispatcher before its answer); fails unless a message matches `pattern`.
 */
async function received(pattern: RegExp): Promise<ConnectorActivity[]> {
  await t.app.notifications.idle();
  const all = connector.take();
  if (!all.some((a) => pattern.test(a.text ?? ''))) {
    throw new Error(`no message matching ${pattern} arrived; got ${JSON.stringify(all.map((a) => a.text))}`);
  }
  return all;
}

const preferences = () => t.app.services.notices.preferences({ id: citizen.id, role: 'citizen' });

describe('notice settings in the chat', () => {
  it('an unlinked conversation is told to link first', async () => {
    expect(await say('quais avisos tenho ativos', 'notice-unlinked')).toMatch(/primeiro vincule/);
  });

  it('lists, sets and turns off the notices in plain words', async () => {
    const code = (await (await t.fetch('/v1/bot/link-codes', { method: 'POST', headers: citizen.auth })).json()) as {
      code: string;
    };
    expect(await say(`vincular ${code.code}`)).toMatch(/vinculada/);

    const listed = await say('quais avisos tenho ativos');
    expect(listed).toMatch(/Lembretes de vencimento de documentos: ligados/);
    expect(listed).toMatch(/Aviso de saldo baixo: desligado/);

    expect(await say('me avisa quando o saldo ficar abaixo de 5 reais')).toMatch(/abaixo de R\$ 5,00/);
    expect(await preferences()).toEqual({ expiryReminders: true, lowBalanceThresholdCents: 500 });

    expect(await say('parar avisos de vencimento')).toMatch(/não vou mais mandar lembretes de vencimento/);
    expect(await preferences()).toEqual({ expiryReminders: false, lowBalanceThresholdCents: 500 });

    expect(await say('me avisa quando o saldo ficar baixo')).toMatch(/Abaixo de quanto\?/);
    expect(await say('me alerta se o saldo ficar menor que R$ 7,50')).toMatch(/abaixo de R\$ 7,50/);
    expect(await say('quero lembrete de vencimento dos documentos')).toBe(
      'Pronto! Vou lembrar você 15 e 7 dias antes de um documento salvo vencer e no próprio dia do vencimento, ' +
        'nas conversas com avisos ativados.',
    );
    expect(await preferences()).toEqual({ expiryReminders: true, lowBalanceThresholdCents: 750 });

    expect(await say('desativar o aviso de saldo baixo')).toMatch(/desliguei o aviso de saldo baixo/);
    expect(await preferences()).toEqual({ expiryReminders: true, lowBalanceThresholdCents: null });
    // An amount over the limit is refused in words, and nothing changes.
    expect(await say('me avisa quando o saldo ficar abaixo de 5000 reais')).toMatch(/entre 1 e 100000/);
    expect(await preferences()).toEqual({ expiryReminders: true, lowBalanceThresholdCents: null });
  });

  it('asks the amount of the low-balance alert and takes the amount alone as the next message', async () => {
    expect(await say('quero ser avisado quando meu saldo estiver acabando')).toMatch(/Abaixo de quanto\?/);
    expect(await say('3 reais')).toMatch(/abaixo de R\$ 3,00/);
    expect(await preferences()).toEqual({ expiryReminders: true, lowBalanceThresholdCents: 300 });
    // Asked again, a request instead of an amount is served as one, and the alert stays as it was.
    expect(await say('me avisa quando o saldo ficar baixo')).toMatch(/Abaixo de quanto\?/);
    expect(await say('qual meu saldo')).toMatch(/Saldo/);
    expect(await preferences()).toEqual({ expiryReminders: true, lowBalanceThresholdCents: 300 });
    // The question is asked once: an amount typed after something else sets nothing.
    await say('5 reais');
    expect(await preferences()).toEqual({ expiryReminders: true, lowBalanceThresholdCents: 300 });
    expect(await say('desativar o aviso de saldo baixo')).toMatch(/desliguei o aviso de saldo baixo/);
  });

  it('leaves the other requests alone: the balance, and the per-conversation opt-in', async () => {
    expect(await say('qual meu saldo')).toMatch(/R\$ 0,00/);
    expect(await say('ativar avisos')).toMatch(/Vou avisar aqui/);
  });

  it('sends the low-balance alert once per crossing and the expiry reminder to the opted-in conversation', async () => {
    expect(await say('me avisa quando o saldo ficar abaixo de 5 reais')).toMatch(/R\$ 5,00/);
    // The simulated recharge is an admin's tool (citizens pay by Pix); the debit is the citizen's own.
    const admin = await registerAdmin(t);
    const move = (kind: 'recharges' | 'debits', amountCents: number) =>
      postJson(
        t,
        `/v1/cards/${cardId}/${kind}`,
        { amountCents },
        { ...(kind === 'recharges' ? admin : citizen).auth, 'idempotency-key': randomUUID() },
      );
    expect((await move('recharges', 1000)).status).toBe(201);
    await received(/Recarga confirmada/);
    expect((await move('debits', 600)).status).toBe(201);
    const alert = await received(/Saldo baixo: o cartão •••• \d{4} está com R\$ 4,00, abaixo de R\$ 5,00/);
    expect(alert.filter((a) => /Saldo baixo/.test(a.text ?? ''))).toHaveLength(1);
    // A second debit below the threshold is no new crossing; the recharge notice after it shows the queue moved on.
    expect((await move('debits', 100)).status).toBe(201);
    expect((await move('recharges', 100)).status).toBe(201);
    const after = await received(/Recarga confirmada: R\$ 1,00/);
    expect(after.filter((a) => /Saldo baixo/.test(a.text ?? ''))).toHaveLength(0);

    const expiresAt = addDays(todayInRio(new Date()), 7);
    await createDocument(t, citizen, { type: 'passaporte', expiresAt });
    const runner = t.app.services.jobRunner;
    await runner.waitFor(NOTICE_JOBS.expiryReminders, await runner.send(NOTICE_JOBS.expiryReminders));
    const [year, month, day] = expiresAt.split('-');
    await received(new RegExp(`Lembrete: seu documento Passaporte vence em ${day}/${month}/${year}`));
  });
});
