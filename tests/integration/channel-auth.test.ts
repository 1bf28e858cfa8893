import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { FakeConnector } from '../support/fake-connector';
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
let t: TestApp;
const authorizationsSeen: string[] = [];

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
          { ...channelKey.publicKey.export({ format: 'jwk' }), kid: KID, use: 'sig', endorsements: ['msteams', 'emulator'] },
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
  t = await startTestApp({
    env: {
      MICROSOFT_APP_ID: APP_ID,
      MICROSOFT_APP_PASSWORD: 'app-password',
      MICROSOFT_APP_TYPE: 'MultiTenant',
      BOT_OPENID_METADATA_URL: `${identityUrl}/v1/.well-known/openidconfiguration`,
      BOT_TOKEN_ISSUER: ISSUER,
      BOT_OUTBOUND_TOKEN_URL: `${identityUrl}/token`,
    },
  });
});

afterAll(async () => {
  await t.close();
  await connector.stop();
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

  it('refuses a valid token when the activity names another serviceUrl than the token', async () => {
    const res = await post(`Bearer ${sign(claims())}`, 'http://127.0.0.1:9/');
    expect(res.status).toBe(401);
  });
});
