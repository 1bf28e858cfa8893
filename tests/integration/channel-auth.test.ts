import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import type { Resolver } from '../../http/outbound-http';
import { DirectLineClient } from '../support/directline-client';
import { FakeConnector, type ConnectorActivity } from '../support/fake-connector';
import { registerCitizen, type SignedInCitizen } from '../support/factories';
import { InternalHost } from '../support/internal-host';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Teams / Azure Bot Service authentication, offline: a locally generated RSA key published through a local OpenID
 * metadata + JWKS endpoint (what login.botframework.com serves), a local token endpoint for the bot's outbound token,
 * and a fake connector that receives the reply with that token.
 */
const APP_ID = 'c0ffee00-0000-4000-8000-000000000001';
const ISSUER = 'https://api.botframework.com';
const KID = 'local-test-key';

interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

let channelKey: KeyPair;
let otherKey: KeyPair;
let identity: Server;
let identityUrl = '';
let connector: FakeConnector;
/** A second connector origin the installation also allows (a token names one of them). */
let otherConnector: FakeConnector;
let internal: InternalHost;
let t: TestApp;
const authorizationsSeen: string[] = [];

/**
 * Names as the app resolves them: an allowed connector host pattern (*.botframework.com) that resolves to an internal
 * address, and one that does not resolve at all.
 */
const resolver: Resolver = (hostname) => {
  if (hostname === 'files.botframework.com') return Promise.resolve([{ address: '127.0.0.2', family: 4 }]);
  return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
};

beforeAll(async () => {
  channelKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  identity = createServer((req, res) => {
    const send = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/v1/.well-known/openidconfiguration') {
      send({ issuer: ISSUER, jwks_uri: `${identityUrl}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'] });
    } else if (req.url === '/v1/.well-known/keys') {
      send({
        keys: [
          {
            ...channelKey.publicKey.export({ format: 'jwk' }),
            kid: KID,
            use: 'sig',
            // The channels the Bot Connector vouches for with this key, the web chat's and WhatsApp's ids included.
            endorsements: ['msteams', 'emulator', 'webchat', 'whatsapp'],
          },
        ],
      });
    } else if (req.url === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        if (form.get('client_id') !== APP_ID || form.get('client_secret') !== 'app-password') {
          res.writeHead(401);
          res.end();
          return;
        }
        send({ access_token: 'outbound-token-from-local-idp', token_type: 'Bearer', expires_in: 3600 });
      });
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => identity.listen(0, '127.0.0.1', resolve));
  identityUrl = `http://127.0.0.1:${(identity.address() as AddressInfo).port}`;
  connector = new FakeConnector();
  connector.onAuthorization = (value) => authorizationsSeen.push(value);
  await connector.start();
  otherConnector = new FakeConnector();
  await otherConnector.start();
  internal = await new InternalHost().start();
  t = await startTestApp({
    resolver,
    env: {
      MICROSOFT_APP_ID: APP_ID,
      MICROSOFT_APP_PASSWORD: 'app-password',
      MICROSOFT_APP_TYPE: 'MultiTenant',
      BOT_OPENID_METADATA_URL: `${identityUrl}/v1/.well-known/openidconfiguration`,
      BOT_TOKEN_ISSUER: ISSUER,
      BOT_OUTBOUND_TOKEN_URL: `${identityUrl}/token`,
      // The fake connector plays a Bot Connector host: replies may go to its loopback origin.
      TEST_LOOPBACK_ORIGINS: `${new URL(connector.url).origin},${new URL(otherConnector.url).origin}`,
    },
  });
});

afterAll(async () => {
  await t.close();
  await connector.stop();
  await otherConnector.stop();
  await internal.stop();
  await new Promise<void>((resolve) => identity.close(() => resolve()));
});

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: ISSUER, aud: APP_ID, serviceurl: connector.url, iat: now - 10, nbf: now - 10, exp: now + 600, ...overrides };
}

function sign(payload: Record<string, unknown>, key: KeyObject = channelKey.privateKey, kid = KID): string {
  return jwt.sign(payload, key, { algorithm: 'RS256', keyid: kid });
}

let sequence = 0;
async function post(authorization: string | undefined, serviceUrl = connector.url) {
  sequence += 1;
  return t.fetch('/api/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({
      type: 'message',
      id: `a-${sequence}`,
      channelId: 'msteams',
      serviceUrl,
      from: { id: 'teams-user-1', name: 'Usuária' },
      recipient: { id: APP_ID, name: 'IPlani' },
      conversation: { id: 'teams-conv-1' },
      text: 'ajuda',
    }),
  });
}

describe('channel authentication with an app id', () => {
  const bad: Array<[string, () => string | undefined]> = [
    ['no token', () => undefined],
    ['garbage', () => 'Bearer not-a-token'],
    [
      'expired',
      () =>
        `Bearer ${sign(claims({ exp: Math.floor(Date.now() / 1000) - 600, iat: Math.floor(Date.now() / 1000) - 1200, nbf: Math.floor(Date.now() / 1000) - 1200 }))}`,
    ],
    ['not yet valid (nbf in the future)', () => `Bearer ${sign(claims({ nbf: Math.floor(Date.now() / 1000) + 3600 }))}`],
    ['signed by another key with the known kid', () => `Bearer ${sign(claims(), otherKey.privateKey)}`],
    ['unknown kid', () => `Bearer ${sign(claims(), channelKey.privateKey, 'someone-else')}`],
    ['wrong issuer', () => `Bearer ${sign(claims({ iss: 'https://evil.example' }))}`],
    ['wrong audience', () => `Bearer ${sign(claims({ aud: 'another-bot' }))}`],
    ['serviceurl claim missing', () => `Bearer ${sign(claims({ serviceurl: undefined }))}`],
    ['serviceurl of another host', () => `Bearer ${sign(claims({ serviceurl: 'https://smba.trafficmanager.net/evil/' }))}`],
    ['alg none', () => `Bearer ${jwt.sign(claims(), '', { algorithm: 'none', header: { alg: 'none', kid: KID } })}`],
    [
      'HS256 signed with the public key',
      () => {
        const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: KID })).toString('base64url');
        const payload = Buffer.from(JSON.stringify(claims())).toString('base64url');
        const secret = channelKey.publicKey.export({ format: 'pem', type: 'spki' });
        const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
        return `Bearer ${header}.${payload}.${signature}`;
      },
    ],
  ];

  // botframework-connector prints its own reason with console.error when a signature or expiry check fails (the
  // expired token's error, or "Error finding key for token" followed by the public key it tried). Captured and checked
  // here, so expected refusals print nothing and anything else the library prints still fails the test.
  let printed: string[] = [];
  beforeEach(() => {
    printed = [];
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(' '));
    });
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it.each(bad)('refuses %s with a 401 problem and does not run the bot', async (_name, authorization) => {
    connector.take();
    const res = await post(authorization());
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(((await res.json()) as { detail: string }).detail).toMatch(/token do canal/);
    expect(connector.take()).toHaveLength(0);
    for (const line of printed) expect(line).toMatch(/^(TokenExpiredError: jwt expired|Error finding key for token\.)/);
  });

  it('accepts a valid token; the reply goes out with the token from the configured identity provider', async () => {
    connector.take();
    authorizationsSeen.length = 0;
    const res = await post(`Bearer ${sign(claims())}`);
    expect(res.status).toBe(200);
    const replies = connector.take();
    expect(replies.length).toBeGreaterThan(0);
    expect(replies[0].text).toMatch(/cancelar/);
    expect(authorizationsSeen).toContain('Bearer outbound-token-from-local-idp');
    expect(printed).toEqual([]);
  });

  it('refuses a valid token when the activity names another (allowed) serviceUrl than the token', async () => {
    const res = await post(`Bearer ${sign(claims())}`, otherConnector.url);
    expect(res.status).toBe(401);
    expect(otherConnector.take()).toEqual([]);
  });

  it('refuses a serviceUrl outside the connector hosts even with a token naming it, and makes no request there', async () => {
    for (const serviceUrl of [internal.origin + '/', 'https://smba.trafficmanager.net.evil.example/br/']) {
      const res = await post(`Bearer ${sign(claims({ serviceurl: serviceUrl }))}`, serviceUrl);
      expect([serviceUrl, res.status]).toEqual([serviceUrl, 403]);
    }
    expect(internal.connections).toBe(0);
  });
});

/** A message as the Bot Connector delivers it, with a token it signed. */
async function deliver(fields: {
  channelId: string;
  user: string;
  conversation: string;
  text: string;
  attachments?: unknown[];
}): Promise<ConnectorActivity[]> {
  sequence += 1;
  const res = await t.fetch('/api/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${sign(claims())}` },
    body: JSON.stringify({
      type: 'message',
      id: `d-${sequence}`,
      channelId: fields.channelId,
      serviceUrl: connector.url,
      from: { id: fields.user, name: 'Usuária' },
      recipient: { id: APP_ID, name: 'IPlani' },
      conversation: { id: fields.conversation },
      text: fields.text,
      attachments: fields.attachments ?? [],
    }),
  });
  expect(res.status).toBe(200);
  return connector.take();
}

const textOf = (replies: ConnectorActivity[]) => replies.map((reply) => reply.text ?? '').join('\n');

async function linkCode(citizen: SignedInCitizen): Promise<string> {
  const res = await t.fetch('/v1/bot/link-codes', { method: 'POST', headers: citizen.auth });
  return ((await res.json()) as { code: string }).code;
}

describe('channel keys: one adapter never reaches another', () => {
  it("a channel vouched for as 'whatsapp' on /api/messages is not the WhatsApp webhook's channel", async () => {
    const citizen = await registerCitizen(t);
    // The number is linked through the WhatsApp webhook's channel (here directly, as the webhook would).
    await t.app.services.channelLinks.redeem('whatsapp:whatsapp', '5521988887777', await linkCode(citizen));
    const replies = textOf(
      await deliver({ channelId: 'whatsapp', user: '5521988887777', conversation: '5521988887777', text: '1' }),
    );
    expect(replies).toMatch(/vincular/);
    expect(replies).not.toMatch(/R\$/);
  });

  it("Azure's 'webchat' channel does not reach the city web chat's conversations", async () => {
    const citizen = await registerCitizen(t);
    const chat = await DirectLineClient.forCitizen(t, citizen.accessToken);
    expect((await chat.start()).status).toBe(201);
    await chat.next();
    expect(await chat.ask('salvar documento')).toMatch(/Qual documento/);
    const stateOf = async (channel: string) =>
      (
        await t.app.db.em
          .fork()
          .execute<{ snapshot: { value: unknown }; version: number }[]>(
            'select snapshot, version from conversations where channel = ? and conversation_id = ?',
            [channel, chat.conversationId],
          )
      )[0];
    const before = await stateOf('directline:webchat');
    const user = (jwt.decode(chat.token) as { user: string }).user;
    // The same conversation id and user id, vouched for by the Bot Connector as its own web chat channel.
    const replies = textOf(await deliver({ channelId: 'webchat', user, conversation: chat.conversationId, text: '1' }));
    expect(replies).toMatch(/vincular/);
    expect(await stateOf('directline:webchat')).toEqual(before);
    expect((await stateOf('botframework:webchat')).snapshot.value).toBe('menu');
    expect(await chat.ask('cnh')).toMatch(/número/i);
  });
});

describe('files from Bot Framework channels', () => {
  const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 3)]);
  let citizen: SignedInCitizen;
  const user = 'teams-user-files';
  const say = (text: string, attachments?: unknown[]) =>
    deliver({ channelId: 'msteams', user, conversation: 'teams-files', text, attachments }).then(textOf);
  const file = (url: string) => [{ contentType: 'image/png', contentUrl: url, name: 'cnh.png' }];

  async function toAttachmentStep(): Promise<void> {
    for (const [text, expected] of [
      ['salvar documento', /Qual documento/],
      ['outro', /nome/i],
      ['Crachá', /número/i],
      ['1020', /validade/i],
      ['pular', /anexar/i],
    ] as const) {
      expect(await say(text)).toMatch(expected);
    }
  }

  beforeAll(async () => {
    citizen = await registerCitizen(t);
    expect(await say(`vincular ${await linkCode(citizen)}`)).toMatch(/vinculada/);
  });

  it("are fetched from an allowed connector origin with the bot's token", async () => {
    connector.files.set('teams-cnh.png', { body: PNG, type: 'image/png' });
    await toAttachmentStep();
    expect(await say('', file(`${connector.url}files/teams-cnh.png`))).toMatch(/Confira/);
    expect(connector.fileRequests.at(-1)).toEqual({
      name: 'teams-cnh.png',
      authorization: 'Bearer outbound-token-from-local-idp',
    });
    expect(await say('sim')).toMatch(/salvo/);
  });

  it('anywhere else, whatever answers there, the same "not received" and no request: an internal address after DNS, a redirect to one, a host outside the list, a name that does not resolve', async () => {
    connector.files.set('to-internal.png', { redirect: `${internal.origin}/x.png` });
    const answers: string[] = [];
    for (const url of [
      `https://files.botframework.com:${internal.port}/v3/attachments/1/views/original`,
      `${connector.url}files/to-internal.png`,
    ]) {
      await toAttachmentStep();
      answers.push((await say('', file(url))).split('\n')[0]);
      expect(await say('cancelar')).toMatch(/cancelei/i);
    }
    for (const url of [`${internal.origin}/x.png`, 'https://nowhere.botframework.com/v3/attachments/2/views/original']) {
      await toAttachmentStep();
      answers.push((await say('', file(url))).split('\n')[0]);
      expect(await say('cancelar')).toMatch(/cancelei/i);
    }
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toMatch(/Não consegui receber esse arquivo/);
    expect(internal.connections).toBe(0);
  });
});
