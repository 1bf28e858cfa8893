import { Transactions } from '../../src/db/repository';
import type { DomainEvent } from '../../src/shared/domain-events';
import { DISPATCH_NOTIFICATIONS_JOB } from '../../src/notifications/notification-jobs';
import { FakeConnector, type ConnectorActivity } from '../support/fake-connector';
import { DirectLineClient } from '../support/directline-client';
import { RequestContext } from '@mikro-orm/core';
import { DomainError } from '../../src/shared/errors';
import { INTERNAL_REQUEST } from '../../src/shared/request-info';
import {
  buildDocument,
  createDocument,
  firstCardId,
  postJson,
  registerAdmin,
  registerCitizen,
  type SignedInCitizen,
} from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { WhatsAppGraphStandIn, hubSignature, webhookDelivery, type SentMessage } from '../support/whatsapp-graph';

/**
 * The transactional outbox end to end: a change and its event commit together (or not at all), and the dispatcher
 * delivers each event once per opted-in conversation on every channel (Emulator through its stored reference,
 * WhatsApp by its 24-hour rule, the city's web chat by appending to the conversation), never twice after a redelivery.
 */
const ACCESS_TOKEN = 'EAAG-outbox-access-token';
const PHONE_ID = '106540352242923';
const APP_SECRET = 'outbox-app-secret';
const TEMPLATE = 'aviso_carteira';
const WA_ID = '5521999990042';

let t: TestApp;
let graph: WhatsAppGraphStandIn;
let connector: FakeConnector;
let citizen: SignedInCitizen;
/** Credits the citizen's card: the simulated recharge is an admin's tool (citizens pay by Pix). */
let admin: SignedInCitizen;
let cardId: string;
let chat: DirectLineClient;
let sequence = 0;

async function sql<R>(statement: string, params: unknown[] = []): Promise<R[]> {
  return t.app.db.em.fork().execute<R[]>(statement, params);
}

async function linkCode(): Promise<string> {
  const res = await t.fetch('/v1/bot/link-codes', { method: 'POST', headers: citizen.auth });
  expect(res.status).toBe(201);
  return ((await res.json()) as { code: string }).code;
}

async function emulator(text: string): Promise<ConnectorActivity[]> {
  const res = await postJson(t, '/api/messages', connector.message({ conversation: 'outbox-conv', user: 'outbox-user', text }));
  expect(res.status).toBe(200);
  return connector.take();
}

async function whatsapp(text: string): Promise<SentMessage[]> {
  sequence += 1;
  const message = {
    from: WA_ID,
    id: `wamid.outbox.${sequence}`,
    timestamp: String(Math.floor(Date.now() / 1000)),
    type: 'text',
    text: { body: text },
  };
  const body = JSON.stringify(webhookDelivery(PHONE_ID, WA_ID, [message]));
  const res = await t.fetch('/webhooks/whatsapp', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignature(body, APP_SECRET) },
    body,
  });
  expect(res.status).toBe(200);
  await t.app.whatsapp!.idle();
  return graph.take();
}

/** What each channel received since the last call, after the dispatcher's runs woken so far have finished. */
async function received(): Promise<{ emulator: string[]; whatsapp: SentMessage[]; webChat: string[] }> {
  await t.app.notifications.idle();
  return {
    emulator: connector.take().map((a) => a.text ?? ''),
    whatsapp: graph.take(),
    webChat: (await chat.next()).filter((a) => a.from.role === 'bot').map((a) => a.text ?? ''),
  };
}

/** An admin's simulated recharge of the citizen's card. */
async function recharge(amountCents: number, key: string): Promise<{ transaction: { id: string } }> {
  const res = await postJson(t, `/v1/cards/${cardId}/recharges`, { amountCents }, { ...admin.auth, 'idempotency-key': key });
  expect(res.status).toBe(201);
  return (await res.json()) as { transaction: { id: string } };
}

beforeAll(async () => {
  graph = new WhatsAppGraphStandIn(ACCESS_TOKEN, PHONE_ID);
  await graph.start();
  connector = new FakeConnector();
  await connector.start();
  t = await startTestApp({
    env: {
      WHATSAPP_VERIFY_TOKEN: 'outbox-verify-token',
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_ID,
      WHATSAPP_GRAPH_URL: graph.graphUrl,
      WHATSAPP_NOTICE_TEMPLATE: TEMPLATE,
      TEST_LOOPBACK_ORIGINS: graph.url,
    },
  });
  citizen = await registerCitizen(t);
  admin = await registerAdmin(t);
  cardId = await firstCardId(t, citizen);

  // Opted in on three channels: the Emulator, WhatsApp and the city's web chat.
  expect((await emulator(`vincular ${await linkCode()}`))[0].text).toMatch(/vinculada/);
  expect((await emulator('ativar avisos'))[0].text).toMatch(/Vou avisar aqui/);
  await whatsapp(`vincular ${await linkCode()}`);
  expect((await whatsapp('ativar avisos')).map((m) => m.text?.body).join()).toMatch(/Vou avisar aqui/);
  chat = await DirectLineClient.forCitizen(t, citizen.accessToken);
  expect((await chat.start()).status).toBe(201);
  await chat.next();
  await chat.ask('oi');
  expect(await chat.ask('ativar avisos')).toMatch(/Vou avisar aqui/);
  expect(await t.app.services.notificationSubscriptions.addressesOf(citizen.id)).toHaveLength(3);
});
afterAll(async () => {
  await t.close();
  await graph.stop();
  await connector.stop();
});

describe('the outbox is written with the change', () => {
  it("a recharge's event is committed by the money path's own statement, keyed by its ledger entry, for the card's owner", async () => {
    // An admin credits the citizen's card: the event (and so the notice) names the card's owner, not the admin.
    const { transaction } = await recharge(700, 'outbox-same-tx');
    const rows = await sql<{ type: string; user_id: string; payload: unknown }>(
      'select type, user_id, payload from outbox_events where key = ?',
      [`recharge-confirmed:${transaction.id}`],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].type).toBe('recharge-confirmed');
    expect(rows[0].user_id).toBe(citizen.id);
    const payload = (typeof rows[0].payload === 'string' ? JSON.parse(rows[0].payload) : rows[0].payload) as DomainEvent;
    expect(payload).toEqual(
      expect.objectContaining({ type: 'recharge-confirmed', userId: citizen.id, cardId, amountCents: 700, balanceCents: 700 }),
    );
    expect(await sql('select 1 from outbox_events where user_id = ?', [admin.id])).toEqual([]);
    // A replay of the same request is the same recharge: no second event.
    const replay = await postJson(
      t,
      `/v1/cards/${cardId}/recharges`,
      { amountCents: 700 },
      { ...admin.auth, 'idempotency-key': 'outbox-same-tx' },
    );
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await sql('select 1 from outbox_events where key like ?', ['recharge-confirmed:%'])).toHaveLength(1);
    await received();
  });

  it('a transaction that rolls back leaves no event, and a refused change writes none', async () => {
    const before = await sql<{ n: number }>('select count(*)::int as n from outbox_events');
    const event: DomainEvent = { type: 'card-blocked', userId: citizen.id, cardId, maskedNumber: '•••• 0000', protocol: 'x' };
    await expect(
      new Transactions(t.app.db.em.fork()).run(async (tx) => {
        await t.app.services.outbox.add(tx, 'rolled-back', event);
        throw new Error('the change fails after its event was written');
      }),
    ).rejects.toThrow('the change fails');
    // Over the balance cap: refused by the statement, so no ledger entry and no event.
    const refused = await postJson(
      t,
      `/v1/cards/${cardId}/recharges`,
      { amountCents: 9_999_999 },
      { ...admin.auth, 'idempotency-key': 'outbox-refused' },
    );
    expect(refused.status).toBeGreaterThanOrEqual(400);
    const after = await sql<{ n: number }>('select count(*)::int as n from outbox_events');
    expect(after[0].n).toBe(before[0].n);
    expect(await sql('select 1 from outbox_events where key = ?', ['rolled-back'])).toEqual([]);
  });
});

describe('a saved document', () => {
  async function documentSavedEvents(): Promise<{ key: string }[]> {
    return sql<{ key: string }>(`select key from outbox_events where type = 'document-saved' order by id`);
  }

  async function deliveryChannels(key: string): Promise<string[]> {
    const rows = await sql<{ channel: string }>(
      `select d.channel from notification_deliveries d join outbox_events e on e.id = d.event_id
        where e.key = ? order by d.channel`,
      [key],
    );
    return rows.map((row) => row.channel);
  }

  it('saved through the API: one event keyed by the document, delivered once to each channel', async () => {
    const document = await createDocument(t, citizen);
    const key = `document-saved:${document.id}`;
    expect((await documentSavedEvents()).filter((row) => row.key === key)).toHaveLength(1);
    const got = await received();
    expect(got.emulator).toEqual([expect.stringMatching(/^Documento salvo na sua carteira: Passaporte\./)]);
    expect(got.webChat).toEqual(got.emulator);
    expect(got.whatsapp.map((m) => m.text?.body)).toEqual(got.emulator);
    expect(await deliveryChannels(key)).toEqual(['botframework:emulator', 'directline:webchat', 'whatsapp:whatsapp']);

    // Taken again (a crash before it was marked dispatched): nobody gets it twice.
    await sql('update outbox_events set dispatched_at = null, claimed_until = null where key = ?', [key]);
    await t.app.notifications.dispatchPending();
    expect(await received()).toEqual({ emulator: [], whatsapp: [], webChat: [] });
  });

  it('a refused save writes no event: a duplicate, and a chat save rolled back because its staged file is gone', async () => {
    const before = await documentSavedEvents();
    const existing = buildDocument();
    expect((await postJson(t, '/v1/documents', existing, citizen.auth)).status).toBe(201);
    const afterFirst = await documentSavedEvents();
    expect(afterFirst).toHaveLength(before.length + 1);
    await received();

    expect((await postJson(t, '/v1/documents', existing, citizen.auth)).status).toBe(409);
    const error = await RequestContext.create(t.app.db.em, () =>
      t.app.services.documents.createWithStagedFile(
        { id: citizen.id, role: 'citizen' },
        { type: 'cpf', number: citizen.input.cpf },
        { channel: 'botframework:emulator', conversationId: 'outbox-conv', id: '0190a5b4-0000-7000-8000-000000000000' },
        'outbox-staged-gone',
        INTERNAL_REQUEST,
        { channel: 'botframework:emulator', conversationId: 'outbox-conv' },
      ),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'not-found' });
    expect(await documentSavedEvents()).toEqual(afterFirst);
    expect(await received()).toEqual({ emulator: [], whatsapp: [], webChat: [] });
  });

  it('saved from the web chat: the notice goes to the other conversations, not back to the one that saved it', async () => {
    expect(await chat.ask('3')).toMatch(/Qual documento/);
    expect(await chat.ask('cpf')).toMatch(/número/);
    expect(await chat.ask(citizen.input.cpf)).toMatch(/anexar/);
    expect(await chat.ask('pular')).toMatch(/Confira/);
    expect(await chat.ask('sim')).toMatch(/Documento salvo/);
    const rows = await sql<{ key: string; payload: unknown }>(
      `select key, payload from outbox_events where type = 'document-saved' and payload->>'documentType' = 'CPF'`,
    );
    expect(rows).toHaveLength(1);
    const payload = (typeof rows[0].payload === 'string' ? JSON.parse(rows[0].payload) : rows[0].payload) as DomainEvent;
    expect(payload).toMatchObject({ origin: { channel: 'directline:webchat', conversationId: chat.conversationId } });

    const got = await received();
    expect(got.emulator).toEqual([expect.stringMatching(/^Documento salvo na sua carteira: CPF\./)]);
    expect(got.whatsapp.map((m) => m.text?.body)).toEqual(got.emulator);
    expect(got.webChat).toEqual([]);
    // The delivery log, not only what was read: the chat that saved it was never written to.
    expect(await deliveryChannels(rows[0].key)).toEqual(['botframework:emulator', 'whatsapp:whatsapp']);
    expect(await sql(`select 1 from outbox_events where key = ? and dispatched_at is not null`, [rows[0].key])).toHaveLength(1);
  });
});

describe('delivery', () => {
  it('a recharge is delivered once to each channel: Emulator, WhatsApp (inside 24 h: text) and the web chat', async () => {
    const { transaction } = await recharge(300, 'outbox-each-channel');
    const got = await received();
    expect(got.emulator).toEqual([
      expect.stringMatching(/^Recarga confirmada: R\$ 3,00 no cartão •••• \d{4}\. Saldo atual: R\$ 10,00\.$/),
    ]);
    expect(got.whatsapp).toEqual([
      expect.objectContaining({ to: WA_ID, type: 'text', text: expect.objectContaining({ body: got.emulator[0] }) }),
    ]);
    expect(got.webChat).toEqual(got.emulator);
    const deliveries = await sql<{ channel: string }>(
      `select d.channel from notification_deliveries d join outbox_events e on e.id = d.event_id
        where e.key = ? order by d.channel`,
      [`recharge-confirmed:${transaction.id}`],
    );
    expect(deliveries.map((d) => d.channel)).toEqual(['botframework:emulator', 'directline:webchat', 'whatsapp:whatsapp']);
  });

  it('an event taken again (a crash before it was marked dispatched) repeats nothing; a lost log record repeats only its channel', async () => {
    const { transaction } = await recharge(200, 'outbox-redelivery');
    await received();
    const key = `recharge-confirmed:${transaction.id}`;
    await sql('update outbox_events set dispatched_at = null, claimed_until = null where key = ?', [key]);
    await t.app.notifications.dispatchPending();
    expect(await received()).toEqual({ emulator: [], whatsapp: [], webChat: [] });

    // The documented case: WhatsApp accepted, then the process died before the delivery log recorded it.
    await sql(
      `delete from notification_deliveries where channel = 'whatsapp:whatsapp'
          and event_id = (select id from outbox_events where key = ?)`,
      [key],
    );
    await sql('update outbox_events set dispatched_at = null, claimed_until = null where key = ?', [key]);
    await t.app.notifications.dispatchPending();
    const again = await received();
    expect(again.emulator).toEqual([]);
    expect(again.webChat).toEqual([]);
    expect(again.whatsapp).toHaveLength(1);
  });

  it("outside WhatsApp's 24-hour window the notice goes as the approved template; a block is announced everywhere", async () => {
    await sql(`update whatsapp_contacts set last_inbound_at = now() - interval '25 hours' where wa_id = ?`, [WA_ID]);
    const res = await postJson(t, `/v1/cards/${cardId}/block`, { reason: 'lost' }, citizen.auth);
    expect(res.status).toBe(200);
    const got = await received();
    expect(got.emulator).toEqual([expect.stringMatching(/^O cartão •••• \d{4} foi bloqueado\. Protocolo: \d{4}-\d{6}/)]);
    expect(got.webChat).toEqual(got.emulator);
    expect(got.whatsapp).toEqual([
      expect.objectContaining({
        to: WA_ID,
        type: 'template',
        template: {
          name: TEMPLATE,
          language: { code: 'pt_BR' },
          components: [{ type: 'body', parameters: [{ type: 'text', text: got.emulator[0] }] }],
        },
      }),
    ]);
  });

  it('the dispatch-notifications sweep delivers what no wake-up did (events committed while nothing dispatched)', async () => {
    // An event written as a crashed instance would leave it: committed, never dispatched, nobody woken.
    await new Transactions(t.app.db.em.fork()).run((tx) =>
      t.app.services.outbox.add(tx, 'sweep-test', {
        type: 'card-replaced',
        userId: citizen.id,
        cardId,
        maskedNumber: '•••• 1111',
        newCardId: cardId,
        newMaskedNumber: '•••• 2222',
        movedCents: 1000,
      }),
    );
    const job = await t.app.services.jobRunner.send(DISPATCH_NOTIFICATIONS_JOB);
    const done = await t.app.services.jobRunner.waitFor(DISPATCH_NOTIFICATIONS_JOB, job);
    expect(done.state).toBe('completed');
    const got = await received();
    expect(got.emulator).toEqual([
      'A segunda via do cartão •••• 1111 foi emitida: o novo cartão é o •••• 2222, com saldo de R$ 10,00 transferido.',
    ]);
    expect(got.webChat).toEqual(got.emulator);
    expect(got.whatsapp).toHaveLength(1);
  });

  it("the data export lists the citizen's events and their channels; erasure removes them with the delivery log", async () => {
    const exported = await sql<{ n: number }>(
      `select count(*)::int as n from notification_deliveries d join outbox_events e on e.id = d.event_id where e.user_id = ?`,
      [citizen.id],
    );
    expect(exported[0].n).toBeGreaterThan(0);
    const tx = new Transactions(t.app.db.em.fork());
    const [name, section] = await tx.run((em) => t.app.services.outbox.exportSection(em, citizen.id));
    expect(name).toBe('notifications');
    expect((section as unknown[]).length).toBeGreaterThan(3);
    await tx.run((em) => t.app.services.outbox.onErased(em, citizen.id));
    expect(await sql('select 1 from outbox_events where user_id = ?', [citizen.id])).toEqual([]);
  });
});
