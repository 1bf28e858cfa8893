import { Writable } from 'node:stream';
import { createLogger } from '../../src/shared/logger';
import { FakeConnector } from '../support/fake-connector';
import { postJson, registerCitizen } from '../support/factories';
import { TestBrowser } from '../support/oidc-browser';
import { Tarpit } from '../support/tarpit';
import { startTestApp, type TestApp } from '../support/test-app';
import { hubSignature, webhookDelivery } from '../support/whatsapp-graph';

/**
 * Every outbound call has a connect and a total timeout and releases its socket. A loopback tarpit (accepts, never
 * answers) stands in for the Bot Connector, the Graph API, the SMTP server, both sign-in providers and an attachment
 * host; once the app's calls have returned, the tarpit counts the sockets still open on its side: none. And a request
 * the app answered 503 because it ran past the request timeout still gets its access-log line and its metric.
 */
const PHONE_ID = '106540352242922';
const APP_SECRET = 'app-secret-for-tests';
const SHORT_TIMEOUTS = { OUTBOUND_CONNECT_TIMEOUT_MS: '200', OUTBOUND_TIMEOUT_MS: '400' };

let tarpit: Tarpit;

beforeAll(async () => {
  tarpit = await new Tarpit().start();
});
afterAll(() => tarpit.stop());

function emulatorActivity(serviceUrl: string, text: string, conversation: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'message',
    id: `a-${conversation}-${text.length}`,
    channelId: 'emulator',
    serviceUrl,
    from: { id: `user-${conversation}` },
    recipient: { id: 'iplani' },
    conversation: { id: conversation },
    text,
    ...extra,
  };
}

describe('outbound calls to a peer that never answers', () => {
  let t: TestApp;
  let connector: FakeConnector;

  beforeAll(async () => {
    connector = new FakeConnector();
    await connector.start();
    t = await startTestApp({
      env: {
        ...SHORT_TIMEOUTS,
        SMTP_URL: `smtp://127.0.0.1:${tarpit.port}`,
        SOCIAL_ALLOW_INSECURE_HTTP: 'true',
        GOOGLE_CLIENT_ID: 'google-client',
        GOOGLE_CLIENT_SECRET: 'google-secret',
        GOOGLE_ISSUER_URL: tarpit.origin,
        META_APP_ID: 'meta-app',
        META_APP_SECRET: 'meta-secret',
        META_GRAPH_URL: `${tarpit.origin}/v21.0`,
        META_DIALOG_URL: `${tarpit.origin}/dialog/oauth`,
        WHATSAPP_VERIFY_TOKEN: 'verify',
        WHATSAPP_APP_SECRET: APP_SECRET,
        WHATSAPP_ACCESS_TOKEN: 'token',
        WHATSAPP_PHONE_NUMBER_ID: PHONE_ID,
        WHATSAPP_GRAPH_URL: `${tarpit.origin}/v21.0`,
        // The tarpit also plays an attachment host the channel may name.
        TEST_LOOPBACK_ORIGINS: tarpit.origin,
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await connector.stop();
  });

  it('Bot Connector replies: every turn ends (502), and no socket to the connector stays open', async () => {
    const before = tarpit.accepted;
    const turns = Array.from({ length: 20 }, (_, i) =>
      postJson(t, '/api/messages', emulatorActivity(tarpit.origin, 'oi', `tarpit-${i}`)),
    );
    const statuses = await Promise.all(turns.map(async (turn) => (await turn).status));
    expect(statuses).toEqual(Array(20).fill(502));
    // The reply and then the apology were both tried, each on its own connection.
    expect(tarpit.accepted - before).toBe(40);
    await tarpit.allClosed();
  });

  it('an attachment host: the flow says the file did not arrive, and the socket is gone', async () => {
    const citizen = await registerCitizen(t);
    const { code } = (await (await t.fetch('/v1/bot/link-codes', { method: 'POST', headers: citizen.auth })).json()) as {
      code: string;
    };
    const say = async (text: string, attachments: unknown[] = []) => {
      const res = await postJson(t, '/api/messages', {
        ...connector.message({ conversation: 'files', user: 'u-files', text, attachments }),
      });
      expect(res.status).toBe(200);
      return connector
        .take()
        .map((reply) => reply.text ?? '')
        .join('\n');
    };
    expect(await say(`vincular ${code}`)).toMatch(/vinculada/);
    expect(await say('salvar documento')).toMatch(/Qual documento/);
    expect(await say('outro')).toMatch(/nome/i);
    expect(await say('Carteirinha do clube')).toMatch(/número/i);
    expect(await say('12345')).toMatch(/validade/i);
    expect(await say('pular')).toMatch(/anexar/i);
    const before = tarpit.accepted;
    const reply = await say('', [{ contentType: 'image/png', contentUrl: `${tarpit.origin}/files/foto.png`, name: 'foto.png' }]);
    expect(reply).toMatch(/Não consegui receber esse arquivo/);
    expect(tarpit.accepted - before).toBe(1);
    await tarpit.allClosed();
  });

  it('SMTP: the password-reset request is answered, and the mail connection is closed', async () => {
    const citizen = await registerCitizen(t);
    const before = tarpit.accepted;
    const res = await postJson(t, '/v1/auth/password/forgot', { login: citizen.input.email });
    expect(res.status).toBe(202);
    expect(tarpit.accepted - before).toBe(1);
    await tarpit.allClosed();
  });

  it('Graph API: the WhatsApp reply is given up, and its socket is closed', async () => {
    const before = tarpit.accepted;
    const waId = '5521999990077';
    const body = JSON.stringify(
      webhookDelivery(PHONE_ID, waId, [
        {
          from: waId,
          id: 'wamid.tarpit.1',
          timestamp: String(Math.floor(Date.now() / 1000)),
          type: 'text',
          text: { body: 'oi' },
        },
      ]),
    );
    const res = await t.fetch('/webhooks/whatsapp', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignature(body, APP_SECRET) },
      body,
    });
    expect(res.status).toBe(200);
    await t.app.whatsapp!.idle();
    expect(tarpit.accepted - before).toBe(1);
    await tarpit.allClosed();
  });

  it('sign-in providers: Google discovery and the Meta code exchange are given up, and their sockets closed', async () => {
    const before = tarpit.accepted;
    const google = await t.fetch('/v1/auth/google', { redirect: 'manual' });
    expect(google.status).toBe(503);

    const browser = new TestBrowser();
    const start = await browser.request(`${t.baseUrl}/v1/auth/meta`);
    expect(start.status).toBe(302);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const callback = await browser.request(
      `${t.baseUrl}/v1/auth/meta/callback?code=some-code&state=${encodeURIComponent(state)}`,
    );
    expect(callback.status).toBeGreaterThanOrEqual(400);
    expect(callback.status).toBeLessThan(500);
    expect(tarpit.accepted - before).toBeGreaterThanOrEqual(2);
    await tarpit.allClosed();
  });
});

describe('a request answered 503 by the request timeout', () => {
  it('has its access-log line and its metric, written when the 503 is sent', async () => {
    const lines: Array<Record<string, unknown>> = [];
    let wake = () => undefined as void;
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
          lines.push(JSON.parse(line) as Record<string, unknown>);
        wake();
        callback();
      },
    });
    /** The access-log lines of one request, once there is one (the log is written on the server's side of the answer). */
    const accessLines = (requestId: string) =>
      new Promise<Array<Record<string, unknown>>>((resolve) => {
        const check = () => {
          const found = lines.filter((line) => line.msg === 'request' && line.requestId === requestId);
          if (found.length > 0) resolve(found);
        };
        wake = check;
        check();
      });
    const t = await startTestApp({
      env: { REQUEST_TIMEOUT_MS: '100', OUTBOUND_CONNECT_TIMEOUT_MS: '1000', OUTBOUND_TIMEOUT_MS: '1500' },
      logger: createLogger('info', destination),
    });
    try {
      const res = await postJson(t, '/api/messages', emulatorActivity(tarpit.origin, 'oi', 'slow-turn'));
      expect(res.status).toBe(503);
      const { requestId } = (await res.json()) as { requestId: string };
      const logged = await accessLines(requestId);
      expect(logged).toEqual([expect.objectContaining({ method: 'POST', route: '/api/messages', status: 503 })]);

      const metrics = await (await t.fetch('/metrics')).text();
      expect(metrics).toMatch(/^http_request_duration_seconds_count\{[^}]*route="\/api\/messages"[^}]*status="503"[^}]*\} 1$/m);
      // The turn itself still ends within its outbound timeouts, and lets go of the connector's sockets.
      await tarpit.allClosed();
    } finally {
      await t.close();
    }
  });
});
