import { FakeConnector, type ConnectorActivity } from '../support/fake-connector';
import { capturingMailer, postJson, registerCitizen, type SignedInCitizen } from '../support/factories';
import { DirectLineClient } from '../support/directline-client';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * A citizen's channel links: an e-mail for every new one, the list and the unlink through the REST API, and the same
 * list and unlink in the chat.
 */
let t: TestApp;
let connector: FakeConnector;
let citizen: SignedInCitizen;
const mailer = capturingMailer();
const mail = mailer.sent;

beforeAll(async () => {
  connector = new FakeConnector();
  await connector.start();
  t = await startTestApp({ mailer });
  citizen = await registerCitizen(t);
});
afterAll(async () => {
  await t.close();
  await connector.stop();
});

async function say(user: string, text: string): Promise<string> {
  const res = await postJson(t, '/api/messages', connector.message({ conversation: `conv-${user}`, user, text }));
  expect(res.status).toBe(200);
  return connector
    .take()
    .map((reply: ConnectorActivity) => reply.text ?? '')
    .join('\n');
}

async function link(owner: SignedInCitizen, user: string): Promise<void> {
  const { code } = (await (await t.fetch('/v1/bot/link-codes', { method: 'POST', headers: owner.auth })).json()) as {
    code: string;
  };
  expect(await say(user, `vincular ${code}`)).toMatch(/vinculada/);
}

interface ChannelItem {
  id: string;
  channel: string;
  channelUser: string;
  linkedAt: string;
}

async function channels(owner: SignedInCitizen): Promise<ChannelItem[]> {
  const res = await t.fetch('/v1/me/channels', { headers: owner.auth });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: ChannelItem[] }).items;
}

describe('a new channel link', () => {
  it('sends the citizen one e-mail naming the channel and the masked account, with how to undo it', async () => {
    mail.length = 0;
    await link(citizen, 'emulator-user-4321');
    await t.app.services.channelLinkNotices.sendPending();
    expect(mail).toHaveLength(1);
    expect(mail[0].to).toBe(citizen.input.email);
    expect(mail[0].subject).toMatch(/um canal foi vinculado/);
    expect(mail[0].text).toContain('Bot Framework Emulator (•••• 4321)');
    expect(mail[0].text).toMatch(/Se não foi você, desvincule agora/);
    expect(mail[0].text).not.toContain('emulator-user-4321');
    expect(mail[0].text).toContain(`entre no chat da Prefeitura (${t.app.config.publicBaseUrl}/chat) e diga "meus canais"`);
    // Sent once: later runs find nothing to send.
    expect(await t.app.services.channelLinkNotices.sendPending()).toBe(0);
    expect(mail).toHaveLength(1);
  });
});

describe('GET and DELETE /v1/me/channels', () => {
  it("lists the caller's links with a pt-BR channel label and a masked account, never another citizen's", async () => {
    const other = await registerCitizen(t);
    await link(other, 'emulator-user-9999');
    const mine = await channels(citizen);
    expect(mine).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        channel: 'Bot Framework Emulator',
        channelUser: '•••• 4321',
        linkedAt: expect.any(String),
      },
    ]);
    expect((await channels(other)).map((item) => item.channelUser)).toEqual(['•••• 9999']);
    // The data export has them whole: it is the citizen's own data.
    const exported = (await (await t.fetch('/v1/me/export', { headers: other.auth })).json()) as { channels: unknown };
    expect(exported.channels).toEqual([
      { channel: 'Bot Framework Emulator', channelUser: 'emulator-user-9999', linkedAt: expect.any(String) },
    ]);
  });

  it("answers 404 for another citizen's link (and leaves it), 204 for one's own; the conversation is then unlinked", async () => {
    const other = await registerCitizen(t);
    await link(other, 'emulator-user-5555');
    const [theirs] = await channels(other);
    const denied = await t.fetch(`/v1/me/channels/${theirs.id}`, { method: 'DELETE', headers: citizen.auth });
    expect(denied.status).toBe(404);
    expect(denied.headers.get('content-type')).toContain('application/problem+json');
    expect(await channels(other)).toHaveLength(1);
    expect((await t.fetch('/v1/me/channels/not-an-id', { method: 'DELETE', headers: citizen.auth })).status).toBe(404);

    const [mine] = await channels(citizen);
    expect((await t.fetch(`/v1/me/channels/${mine.id}`, { method: 'DELETE', headers: citizen.auth })).status).toBe(204);
    expect(await channels(citizen)).toEqual([]);
    expect((await t.fetch(`/v1/me/channels/${mine.id}`, { method: 'DELETE', headers: citizen.auth })).status).toBe(404);
    expect(await say('emulator-user-4321', '1')).toMatch(/vincular/);
  });

  it('requires a signed-in citizen', async () => {
    expect((await t.fetch('/v1/me/channels')).status).toBe(401);
  });
});

describe('in the chat', () => {
  it('"meus canais" lists the links and "desvincular <número>" removes one, from any conversation of the citizen', async () => {
    const owner = await registerCitizen(t);
    await link(owner, 'chat-user-1111');
    await link(owner, 'chat-user-2222');
    const list = await say('chat-user-1111', 'meus canais');
    expect(list).toMatch(/1\. Bot Framework Emulator •••• 1111 \(desde \d{2}\/\d{2}\/\d{4}\)/);
    expect(list).toMatch(/2\. Bot Framework Emulator •••• 2222/);
    expect(await say('chat-user-1111', 'desvincular 2')).toMatch(/desvinculei o canal Bot Framework Emulator •••• 2222/);
    expect((await channels(owner)).map((item) => item.channelUser)).toEqual(['•••• 1111']);
    expect(await say('chat-user-2222', '1')).toMatch(/vincular/);
    expect(await say('chat-user-1111', 'desvincular 5')).toMatch(/Não encontrei um canal com esse número/);

    // The city web chat (signed in) lists them too, and unlinks its own conversation's citizen from nothing else.
    const chat = await DirectLineClient.forCitizen(t, owner.accessToken);
    expect((await chat.start()).status).toBe(201);
    await chat.next();
    expect(await chat.ask('meus canais')).toMatch(/1\. Bot Framework Emulator •••• 1111/);
    expect(await chat.ask('desvincular 1')).toMatch(/desvinculei o canal Bot Framework Emulator •••• 1111/);
    expect(await channels(owner)).toEqual([]);
    expect(await say('chat-user-1111', 'meus canais')).toMatch(/primeiro vincule esta conversa/);
  });
});
