import { request } from 'node:http';
import { loadConfig } from '../../src/config';
import { firstCardId, postJson, registerCitizen, type SignedInCitizen } from '../support/factories';
import { startPixEnvironment, type PixEnvironment } from '../support/pix';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The webhook behind an ingress that terminates mutual TLS (PIX_WEBHOOK_MODE=proxy): the verified-certificate header
 * is believed only from TRUSTED_PROXIES. The ingress here is 127.0.0.1; 127.0.0.2 (also loopback) is anyone else.
 */

let pix: PixEnvironment;
let t: TestApp;
let citizen: SignedInCitizen;
let cardId: string;

beforeAll(async () => {
  pix = await startPixEnvironment();
  const env: Record<string, string> = { ...pix.env, PIX_WEBHOOK_MODE: 'proxy', TRUSTED_PROXIES: '127.0.0.1' };
  for (const name of ['PIX_WEBHOOK_TLS_CERT_FILE', 'PIX_WEBHOOK_TLS_KEY_FILE', 'PIX_WEBHOOK_CLIENT_CA_FILE']) delete env[name];
  t = await startTestApp({ env });
  citizen = await registerCitizen(t);
  cardId = await firstCardId(t, citizen);
});
afterAll(async () => {
  await t?.close();
  await pix?.close();
});

function forward(body: unknown, from: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body));
    const req = request(
      {
        host: '127.0.0.1',
        port: t.app.pixWebhookPort()!,
        localAddress: from,
        path: '/webhook/pix',
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': payload.length, ...headers },
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

async function balance(): Promise<number> {
  return ((await (await t.fetch(`/v1/cards/${cardId}`, { headers: citizen.auth })).json()) as { balanceCents: number })
    .balanceCents;
}

it('accepts the verified-certificate header only from a trusted proxy, and credits once', async () => {
  const res = await postJson(
    t,
    `/v1/cards/${cardId}/recharge-orders`,
    { amountCents: 1500 },
    {
      ...citizen.auth,
      'idempotency-key': 'proxy-1',
    },
  );
  const { txid } = (await res.json()) as { txid: string };
  const paid = await pix.psp.pay(txid, { notify: false });
  const verified = { 'x-ssl-client-verify': 'SUCCESS' };
  expect(await forward({ pix: [paid] }, '127.0.0.2', verified)).toBe(401);
  expect(await forward({ pix: [paid] }, '127.0.0.1', {})).toBe(401);
  expect(await forward({ pix: [paid] }, '127.0.0.1', { 'x-ssl-client-verify': 'FAILED:unable to verify' })).toBe(401);
  expect(await balance()).toBe(0);
  expect(await forward({ pix: [paid] }, '127.0.0.1', verified)).toBe(200);
  expect(await forward({ pix: [paid] }, '127.0.0.1', verified)).toBe(200);
  expect(await balance()).toBe(1500);
});

describe('Pix configuration', () => {
  it('refuses a partial set, proxy mode without trusted proxies, and a certificate file that is not PEM', () => {
    expect(() => loadConfig({ PIX_CLIENT_ID: 'x' })).toThrow(/PIX_PSP_URL must be set too/);
    expect(() => loadConfig({ PIX_PSP_URL: 'https://psp.example' })).toThrow(/PIX_CLIENT_ID.*must be set too/);
    expect(() => loadConfig({ ...pix.env, PIX_PSP_URL: 'http://127.0.0.1:1' })).toThrow(/PIX_PSP_URL must use https:/);
    expect(() => loadConfig({ ...pix.env, PIX_WEBHOOK_MODE: 'proxy' })).toThrow(/needs TRUSTED_PROXIES/);
    const notPem = pix.file('not-a-cert.txt', 'hello');
    expect(() => loadConfig({ ...pix.env, PIX_CLIENT_CERT_FILE: notPem })).toThrow(/PIX_CLIENT_CERT_FILE must name a PEM file/);
    expect(loadConfig({}).pix).toBeUndefined();
  });
});
