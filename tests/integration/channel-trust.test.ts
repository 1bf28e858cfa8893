import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/shared/logger';
import { hashToken } from '../../src/accounts/tokens';
import { LINK_CODE_ALPHABET } from '../../src/conversations/link-codes';
import { DirectLineClient, type DirectLineActivity } from '../support/directline-client';
import { FakeConnector, type ConnectorActivity } from '../support/fake-connector';
import { firstCardId, postJson, registerAdmin, registerCitizen, type SignedInCitizen } from '../support/factories';
import { InternalHost } from '../support/internal-host';
import { startTestApp, type TestApp } from '../support/test-app';
import { WhatsAppGraphStandIn, hubSignature, webhookDelivery } from '../support/whatsapp-graph';

/**
 * The attacks of issue 15 on an instance without bot credentials (the default), each replayed as it was found:
 * activities claiming channels that other adapters serve, serviceUrls and attachment URLs on internal hosts, a Host
 * header chosen by the client, a flood of wrong link codes. 127.0.0.2 plays "an internal host": it answers like a
 * useful target and counts every connection, which must stay at zero.
 */
const VERIFY_TOKEN = 'verify-token-for-tests';
const APP_SECRET = 'app-secret-for-tests';
const ACCESS_TOKEN = 'EAAG-test-access-token';
const PHONE_ID = '106540352242922';
const VICTIM_NUMBER = '5521999990042';

let t: TestApp;
let graph: WhatsAppGraphStandIn;
let attacker: FakeConnector;
let internal: InternalHost;
let victim: SignedInCitizen;
let sequence = 0;
const warnings: string[] = [];

beforeAll(async () => {
  graph = new WhatsAppGraphStandIn(ACCESS_TOKEN, PHONE_ID);
  await graph.start();
  attacker = new FakeConnector();
  await attacker.start();
  internal = await new InternalHost().start();
  const logs = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        warnings.push((JSON.parse(line) as { msg: string }).msg);
      callback();
    },
  });
  t = await startTestApp({
    env: {
      WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_ID,
      WHATSAPP_GRAPH_URL: graph.graphUrl,
      TEST_LOOPBACK_ORIGINS: graph.url,
    },
    logger: createLogger('warn', logs),
  });
  victim = await registerCitizen(t);
  // The victim links their WhatsApp number the real way: a code made in the app, sent through Meta's webhook.
  const code = await linkCode(victim);
  await whatsappText(VICTIM_NUMBER, `vincular ${code}`);
  expect(await linkOwner('whatsapp:whatsapp', VICTIM_NUMBER)).toBe(victim.id);
});
afterAll(async () => {
  await t.close();
  await graph.stop();
  await attacker.stop();
  await internal.stop();
});

async function linkCode(citizen: SignedInCitizen): Promise<string> {
  const res = await t.fetch('/v1/bot/link-codes', { method: 'POST', headers: citizen.auth });
  return ((await res.json()) as { code: string }).code;
}

async function whatsappText(waId: string, body: string): Promise<void> {
  sequence += 1;
  const delivery = JSON.stringify(
    webhookDelivery(PHONE_ID, waId, [
      {
        from: waId,
        id: `wamid.trust.${sequence}`,
        timestamp: String(Math.floor(Date.now() / 1000)),
        type: 'text',
        text: { body },
      },
    ]),
  );
  const res = await t.fetch('/webhooks/whatsapp', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignature(delivery, APP_SECRET) },
    body: delivery,
  });
  expect(res.status).toBe(200);
  await t.app.whatsapp!.idle();
  graph.take();
}

async function linkOwner(channel: string, channelUserId: string): Promise<string | null> {
  const rows = await t.app.db.em
    .fork()
    .execute<{ user_id: string }[]>('select user_id from channel_links where channel = ? and channel_user_id = ?', [
      channel,
      channelUserId,
    ]);
  return rows[0]?.user_id ?? null;
}

/** An activity as the attacker posted it: any channel id, any user, replies to the attacker's own server. */
function forged(fields: { channelId: string; user: string; conversation: string; text: string; serviceUrl?: string }) {
  sequence += 1;
  return {
    type: 'message',
    id: `forged-${sequence}`,
    channelId: fields.channelId,
    serviceUrl: fields.serviceUrl ?? attacker.url,
    from: { id: fields.user, name: 'Quem?' },
    recipient: { id: 'iplani' },
    conversation: { id: fields.conversation },
    text: fields.text,
  };
}

function texts(replies: ConnectorActivity[]): string {
  return replies.map((reply) => reply.text ?? '').join('\n');
}

/** A port on `host` where nothing listens. */
async function closedPort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('1 · impersonation through /api/messages (no bot credentials)', () => {
  it("refuses activities claiming a WhatsApp citizen's number: no balance, no card block, no re-link, nothing sent", async () => {
    const cardId = await firstCardId(t, victim);
    const mallory = await registerCitizen(t);
    const malloryCode = await linkCode(mallory);
    attacker.take();
    for (const text of ['1', '2', 'perdi meu cartão', '1', 'sim', `vincular ${malloryCode}`]) {
      const res = await postJson(
        t,
        '/api/messages',
        forged({ channelId: 'whatsapp', user: VICTIM_NUMBER, conversation: VICTIM_NUMBER, text }),
      );
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(attacker.take()).toEqual([]);
    const card = (await (await t.fetch(`/v1/cards/${cardId}`, { headers: victim.auth })).json()) as { status: string };
    expect(card.status).toBe('active');
    expect(await linkOwner('whatsapp:whatsapp', VICTIM_NUMBER)).toBe(victim.id);
  });

  it('the Emulator may name the same number, but reaches no link or conversation of the WhatsApp webhook', async () => {
    attacker.take();
    const res = await postJson(
      t,
      '/api/messages',
      forged({ channelId: 'emulator', user: VICTIM_NUMBER, conversation: VICTIM_NUMBER, text: '1' }),
    );
    expect(res.status).toBe(200);
    const replies = texts(attacker.take());
    expect(replies).toMatch(/vincular/);
    expect(replies).not.toMatch(/R\$/);
  });

  it("refuses the web chat's channel id (with a real web chat conversation) and every channel but the Emulator", async () => {
    const chat = await DirectLineClient.forCitizen(t, victim.accessToken);
    expect((await chat.start()).status).toBe(201);
    const user = (JSON.parse(Buffer.from(chat.token.split('.')[1], 'base64url').toString()) as { user: string }).user;
    for (const channelId of ['webchat', 'directline', 'msteams', 'slack']) {
      const res = await postJson(t, '/api/messages', forged({ channelId, user, conversation: chat.conversationId, text: '1' }));
      expect([channelId, res.status]).toEqual([channelId, 403]);
    }
    expect(attacker.take()).toEqual([]);
  });
});

describe('BOT_ENDPOINT=off', () => {
  it('answers 404 on /api/messages and reads no activity; the web chat still works', async () => {
    const off = await startTestApp({ env: { BOT_ENDPOINT: 'off' } });
    try {
      const res = await postJson(
        off,
        '/api/messages',
        forged({ channelId: 'emulator', user: 'u', conversation: 'c', text: '1' }),
      );
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(attacker.take()).toEqual([]);
      const chat = await DirectLineClient.forCitizen(off);
      expect((await chat.start()).status).toBe(201);
    } finally {
      await off.close();
    }
  });
});

describe('3 · requests through serviceUrl', () => {
  it('an internal serviceUrl costs no request, and the answer is the same whether something listens there or not', async () => {
    const closed = `http://127.0.0.3:${await closedPort('127.0.0.3')}`;
    const answers = [];
    for (const serviceUrl of [internal.origin, closed, `http://localhost.internal.example:${internal.port}`]) {
      const res = await postJson(
        t,
        '/api/messages',
        forged({ channelId: 'emulator', user: 'scanner', conversation: 'scan', text: 'oi', serviceUrl }),
      );
      const body = (await res.json()) as { type: string; detail: string };
      answers.push({ status: res.status, type: body.type, detail: body.detail });
    }
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect(answers[0]).toMatchObject({ status: 403, type: '/problems/forbidden' });
    expect(internal.connections).toBe(0);
  });

  it('a reply address stored before serviceUrls were checked gets no proactive message', async () => {
    const cardId = await firstCardId(t, victim);
    await t.app.db.em.fork().execute(
      `insert into conversations (channel, conversation_id, snapshot, version, channel_user_id, user_id, notify, reply_address)
       values ('botframework:emulator', 'stored-before', '{}'::jsonb, 1, 'someone', ?, true, ?::jsonb)`,
      [
        victim.id,
        JSON.stringify({
          channelId: 'emulator',
          serviceUrl: internal.origin,
          conversation: { id: 'stored-before' },
          user: { id: 'someone' },
          bot: { id: 'iplani' },
        }),
      ],
    );
    // The simulated recharge is an admin's tool (citizens pay by Pix); the notice still goes to the card's owner.
    const admin = await registerAdmin(t);
    warnings.length = 0;
    const res = await postJson(
      t,
      `/v1/cards/${cardId}/recharges`,
      { amountCents: 500 },
      { ...admin.auth, 'idempotency-key': 'stored-1' },
    );
    expect(res.status).toBe(201);
    await until(() => warnings.includes('notice not sent'));
    expect(internal.connections).toBe(0);
  });
});

describe('2 · requests to URLs a client chose', () => {
  async function chatAtAttachmentStep(): Promise<DirectLineClient> {
    const chat = await DirectLineClient.forCitizen(t, victim.accessToken);
    expect((await chat.start()).status).toBe(201);
    await chat.next();
    expect(await chat.ask('salvar documento')).toMatch(/Qual documento/);
    expect(await chat.ask('outro')).toMatch(/nome/i);
    expect(await chat.ask('Carteirinha da biblioteca')).toMatch(/número/i);
    expect(await chat.ask('778899')).toMatch(/validade/i);
    expect(await chat.ask('pular')).toMatch(/anexar/i);
    return chat;
  }

  /** A POST with a Host header of the client's choosing (fetch does not let one set it). */
  function postWithHost(path: string, host: string, headers: Record<string, string>, body: unknown): Promise<number> {
    const url = new URL(t.baseUrl + path);
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path,
          method: 'POST',
          setHost: false,
          headers: { ...headers, host, 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  it('the web chat never fetches a contentUrl the browser sent, even with a forged Host; only uploaded bytes are files', async () => {
    const chat = await chatAtAttachmentStep();
    const status = await postWithHost(
      `/v3/directline/conversations/${chat.conversationId}/activities`,
      `127.0.0.2:${internal.port}`,
      chat.headers(),
      {
        type: 'message',
        text: '',
        attachments: [{ contentType: 'image/png', contentUrl: `${internal.origin}/secret.png`, name: 'cnh.png' }],
      },
    );
    expect(status).toBe(200);
    const activities: DirectLineActivity[] = await chat.next();
    const replies = activities.filter((activity) => activity.from.role === 'bot').map((activity) => activity.text ?? '');
    expect(replies.join('\n')).not.toMatch(/Confira/);
    expect(replies.join('\n')).toMatch(/anexar/i);
    expect(internal.requests).toEqual([]);
    expect(internal.connections).toBe(0);
  });

  it('stream URLs come from PUBLIC_BASE_URL, never from the Host header', async () => {
    const chat = await DirectLineClient.forCitizen(t, victim.accessToken);
    const url = new URL(`${t.baseUrl}/v3/directline/conversations`);
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          setHost: false,
          headers: { ...chat.headers(), host: 'evil.example:4443' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve(Buffer.concat(chunks).toString()));
        },
      );
      req.on('error', reject);
      req.end();
    });
    const { streamUrl } = JSON.parse(body) as { streamUrl: string };
    expect(streamUrl.startsWith(`ws://127.0.0.1:${url.port}/v3/directline/conversations/`)).toBe(true);
    expect(streamUrl).not.toContain('evil.example');
  });

  it('in Emulator mode a file is fetched from the Emulator only; elsewhere it is "not received", with no request', async () => {
    const connector = new FakeConnector();
    await connector.start();
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 2)]);
    connector.files.set('cnh.png', { body: png, type: 'image/png' });
    connector.files.set('elsewhere.png', { redirect: `${internal.origin}/x.png` });
    const conversation = `files-${Date.now()}`;
    const say = async (text: string, attachments: unknown[] = []) => {
      const res = await postJson(
        t,
        '/api/messages',
        connector.message({ conversation, user: `u-${conversation}`, text, attachments }),
      );
      expect(res.status).toBe(200);
      return texts(connector.take());
    };
    const file = (url: string) => [{ contentType: 'image/png', contentUrl: url, name: 'cnh.png' }];
    const toAttachmentStep = async () => {
      for (const [text, expected] of [
        ['salvar documento', /Qual documento/],
        ['outro', /nome/i],
        ['Carteirinha do clube', /número/i],
        ['4455', /validade/i],
        ['pular', /anexar/i],
      ] as const) {
        expect(await say(text)).toMatch(expected);
      }
    };
    try {
      expect(await say(`vincular ${await linkCode(victim)}`)).toMatch(/vinculada/);
      await toAttachmentStep();
      const closed = `http://127.0.0.3:${await closedPort('127.0.0.3')}`;
      // The first line is the answer about the file (the flow then asks again, counting the miss).
      const refused = [await say('', file(`${internal.origin}/x.png`)), await say('', file(`${closed}/x.png`))];
      expect(await say('', file(`${connector.url}files/cnh.png`))).toMatch(/Confira/);
      expect(await say('cancelar')).toMatch(/cancelei/i);
      await toAttachmentStep();
      refused.push(await say('', file(`${connector.url}files/elsewhere.png`)));
      const answers = refused.map((reply) => reply.split('\n')[0]);
      expect(new Set(answers).size).toBe(1);
      expect(answers[0]).toMatch(/Não consegui receber esse arquivo/);
      expect(internal.connections).toBe(0);
    } finally {
      await connector.stop();
    }
  });
});

describe('9 · a flood of wrong link codes', () => {
  let flooded: TestApp;
  let floodConnector: FakeConnector;
  let citizen: SignedInCitizen;

  beforeAll(async () => {
    floodConnector = new FakeConnector();
    await floodConnector.start();
    flooded = await startTestApp({
      env: {
        LINK_MAX_FAILURES_PER_USER: '2',
        LINK_MAX_FAILURES_PER_SPACE: '10',
        // What the limit was called when it was one counter for everybody: the same small number.
        LINK_MAX_FAILURES_OVERALL: '10',
      },
    });
    citizen = await registerCitizen(flooded);
  });
  afterAll(async () => {
    await flooded.close();
    await floodConnector.stop();
  });

  async function vincular(user: string, code: string): Promise<string> {
    const res = await postJson(
      flooded,
      '/api/messages',
      floodConnector.message({ conversation: `c-${user}`, user, text: `vincular ${code}` }),
    );
    expect(res.status).toBe(200);
    return texts(floodConnector.take());
  }

  /** A well-formed code that is nobody's, starting with `first`. */
  function wrongCode(first: string, n: number): string {
    return `${first}${String(n).padStart(7, '2').replace(/[01]/g, '3')}`.slice(0, 8);
  }

  it('from many fake channel users does not lock out a citizen who has a valid code', async () => {
    const { code } = (await (await flooded.fetch('/v1/bot/link-codes', { method: 'POST', headers: citizen.auth })).json()) as {
      code: string;
    };
    // 40 fake users, 2 wrong codes each, spread over every code space (as random guesses are).
    for (let user = 0; user < 40; user++) {
      for (let attempt = 0; attempt < 2; attempt++) {
        const n = user * 2 + attempt;
        const guess = wrongCode(LINK_CODE_ALPHABET[n % LINK_CODE_ALPHABET.length], n);
        expect(guess).not.toBe(code);
        expect(await vincular(`fake-${user}`, guess)).toMatch(/não é válido|Muitas tentativas/);
      }
    }
    expect(await vincular('the-real-citizen', code)).toMatch(/vinculada/);
  });

  it('aimed at one code space, locks that space only; the citizen gets a new code that works', async () => {
    const inSpace = 'A2345678';
    await flooded.app.db.em
      .fork()
      .execute(`insert into link_codes (code_hash, user_id, expires_at) values (?, ?, now() + interval '10 minutes')`, [
        hashToken(inSpace),
        citizen.id,
      ]);
    for (let n = 0; n < 10; n++) await vincular(`space-fake-${Math.floor(n / 2)}`, wrongCode('A', 1000 + n));
    expect(await vincular('citizen-phone', inSpace)).toMatch(/códigos parecidos com esse estão bloqueados/);
    const { code } = (await (await flooded.fetch('/v1/bot/link-codes', { method: 'POST', headers: citizen.auth })).json()) as {
      code: string;
    };
    expect(code[0]).not.toBe('A');
    expect(await vincular('citizen-phone', code)).toMatch(/vinculada/);
  });
});

/** Waits (bounded) for a condition that background work makes true. */
async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the condition did not become true');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
