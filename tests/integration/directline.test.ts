import jwt from 'jsonwebtoken';
import WebSocket from 'ws';
import { buildApp, type App } from '../../src/main';
import { createHttpServer } from '../../api/http/server';
import { createLogger } from '../../src/shared/logger';
import { WalletBot } from '../../bot/wallet-bot';
import { directLineEdge } from '../../bot/channels/directline/bot-adapter';
import { registerDirectLine } from '../../bot/channels/directline/routes';
import { DirectLineStore } from '../../bot/channels/directline/store';
import { DirectLineTokens } from '../../bot/channels/directline/tokens';
import { findDocumentType } from '../../src/documents/document-types';
import { registerCitizen, sampleFiles, type SignedInCitizen } from '../support/factories';
import { DirectLineClient, type DirectLineActivity } from '../support/directline-client';
import { startTestApp, type TestApp } from '../support/test-app';

/** The app's own Direct Line 3.0, exercised as Web Chat uses it: plain HTTP polling and the WebSocket stream. */
const JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';
let t: TestApp;
let citizen: SignedInCitizen;

beforeAll(async () => {
  t = await startTestApp({ env: { JWT_SECRET, DIRECTLINE_POLL_RATE_LIMIT: '100000', DIRECTLINE_START_RATE_LIMIT: '100000' } });
  citizen = await registerCitizen(t);
});
afterAll(async () => {
  await t.close();
});

function isProblem(res: Response): boolean {
  return (res.headers.get('content-type') ?? '').includes('application/problem+json');
}

describe('POST /v1/bot/directline/token', () => {
  it('gives a signed-in citizen a token whose user claim is a dl_ id derived from the account, carrying the citizen', async () => {
    const client = await DirectLineClient.forCitizen(t, citizen.accessToken);
    const claims = jwt.decode(client.token) as { user: string; cid: string; conv: string; aud: string };
    expect(claims.user).toMatch(/^dl_[A-Za-z0-9_-]{24}$/);
    expect(claims.user).not.toContain(citizen.id);
    expect(claims.cid).toBe(citizen.id);
    expect(claims.conv).toBe(client.conversationId);
    expect(claims.aud).not.toBe('carteira-digital-carioca');
    const again = await DirectLineClient.forCitizen(t, citizen.accessToken);
    expect((jwt.decode(again.token) as { user: string }).user).toBe(claims.user);
  });

  it('gives an anonymous visitor a token with no citizen, and refuses a bad access token', async () => {
    const client = await DirectLineClient.forCitizen(t);
    const claims = jwt.decode(client.token) as { user: string; cid: string | null };
    expect(claims.user).toMatch(/^dl_anon_/);
    expect(claims.cid).toBeNull();

    const bad = await t.fetch('/v1/bot/directline/token', { method: 'POST', headers: { authorization: 'Bearer nope' } });
    expect(bad.status).toBe(401);
    expect(isProblem(bad)).toBe(true);
  });

  it('is not an access token: a Direct Line token is refused by the REST API', async () => {
    const client = await DirectLineClient.forCitizen(t, citizen.accessToken);
    const res = await t.fetch('/v1/cards', { headers: { authorization: `Bearer ${client.token}` } });
    expect(res.status).toBe(401);
  });
});

describe('conversations and activities (polling)', () => {
  it('starts with 201 and a welcome, echoes the user activity with its clientActivityID, and answers the balance without vincular', async () => {
    const client = await DirectLineClient.forCitizen(t, citizen.accessToken);
    const started = await client.start();
    expect(started.status).toBe(201);
    const body = (await started.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ conversationId: client.conversationId, expires_in: expect.any(Number) });
    expect(body.streamUrl).toMatch(
      new RegExp(
        `^ws://127\\.0\\.0\\.1:${new URL(t.baseUrl).port}/v3/directline/conversations/${client.conversationId}/stream\\?t=`,
      ),
    );
    expect(typeof body.referenceGrammarId).toBe('string');

    const welcome = await client.next();
    expect(welcome).toHaveLength(1);
    expect(welcome[0].text).toMatch(/IPlani/);
    expect(welcome[0].suggestedActions?.actions.length).toBeGreaterThan(0);
    expect(client.watermark).toBe('1');
    expect(await client.next()).toHaveLength(0);

    const clientActivityID = 'browser-activity-1';
    const res = await t.fetch(`/v3/directline/conversations/${client.conversationId}/activities`, {
      method: 'POST',
      headers: client.headers(),
      body: JSON.stringify({ type: 'message', text: 'qual meu saldo?', from: { id: 'x' }, channelData: { clientActivityID } }),
    });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    expect(id).toBe(`${client.conversationId}|0000002`);

    const activities = await client.next();
    const echo = activities[0];
    expect(echo).toMatchObject({ id, type: 'message', text: 'qual meu saldo?', channelData: { clientActivityID } });
    expect(echo.from.id).toBe((jwt.decode(client.token) as { user: string }).user);
    const replies = activities
      .slice(1)
      .map((activity) => activity.text ?? '')
      .join('\n');
    expect(replies).toMatch(/R\$ \d/);
    expect(replies).not.toMatch(/vincular/i);
    expect(Number(client.watermark)).toBe(activities.length + 1);
  });

  it("takes the citizen from the token only: an anonymous chat claiming a citizen's user id gets no balance", async () => {
    const citizenUser = (jwt.decode((await DirectLineClient.forCitizen(t, citizen.accessToken)).token) as { user: string }).user;
    const anonymous = await DirectLineClient.forCitizen(t);
    await anonymous.start();
    await anonymous.next();
    await anonymous.say('qual meu saldo?', { id: citizenUser, role: 'user' });
    const activities = await anonymous.next();
    expect(activities[0].from.id).not.toBe(citizenUser);
    const replies = activities
      .slice(1)
      .map((activity) => activity.text ?? '')
      .join('\n');
    expect(replies).not.toMatch(/R\$/);
    expect(replies).toMatch(/vincula|entr/i);
  });

  it('answers FAQ questions in an anonymous chat and refuses link codes there', async () => {
    const anonymous = await DirectLineClient.forCitizen(t);
    await anonymous.start();
    await anonymous.next();
    expect(await anonymous.ask('vincular ABCD2345')).toMatch(/não é possível vincular/);
    expect(await anonymous.ask('5')).not.toBe('');
  });

  it('answers 403 to an expired token, a token of another conversation and a forged one; 404 to an unknown conversation', async () => {
    const a = await DirectLineClient.forCitizen(t, citizen.accessToken);
    await a.start();
    const b = await DirectLineClient.forCitizen(t, citizen.accessToken);
    await b.start();

    const crossRead = await a.poll(b.conversationId, '');
    expect(crossRead.status).toBe(403);
    expect(isProblem(crossRead)).toBe(true);
    const crossWrite = await t.fetch(`/v3/directline/conversations/${b.conversationId}/activities`, {
      method: 'POST',
      headers: a.headers(),
      body: JSON.stringify({ type: 'message', text: 'oi' }),
    });
    expect(crossWrite.status).toBe(403);

    const claims = jwt.decode(a.token) as { user: string; cid: string; conv: string };
    const expired = new DirectLineClient(t, new DirectLineTokens(JWT_SECRET, t.app.config.auth.issuer, -60).issue(claims).token);
    expired.conversationId = a.conversationId;
    const expiredPoll = await expired.poll();
    expect(expiredPoll.status).toBe(403);
    expect(isProblem(expiredPoll)).toBe(true);

    const forged = new DirectLineClient(
      t,
      new DirectLineTokens('another-secret-another-secret-0123456789', t.app.config.auth.issuer, 600).issue(claims).token,
    );
    forged.conversationId = a.conversationId;
    expect((await forged.poll()).status).toBe(403);

    const never = await DirectLineClient.forCitizen(t);
    const unknown = await never.poll();
    expect(unknown.status).toBe(404);
    expect(isProblem(unknown)).toBe(true);

    const noToken = await t.fetch(`/v3/directline/conversations/${a.conversationId}/activities`);
    expect(noToken.status).toBe(401);
  });

  it('refreshes a token for the same conversation and user', async () => {
    const client = await DirectLineClient.forCitizen(t, citizen.accessToken);
    await client.start();
    const res = await t.fetch('/v3/directline/tokens/refresh', {
      method: 'POST',
      headers: { authorization: `Bearer ${client.token}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { conversationId: string; token: string; expires_in: number };
    expect(body.conversationId).toBe(client.conversationId);
    expect(body.expires_in).toBeGreaterThan(60);
    const before = jwt.decode(client.token) as { user: string; cid: string };
    expect(jwt.decode(body.token)).toMatchObject({ user: before.user, cid: before.cid, conv: client.conversationId });
    client.token = body.token;
    expect((await client.poll()).status).toBe(200);
  });

  it('answers a poll from another instance on the same database', async () => {
    const client = await DirectLineClient.forCitizen(t, citizen.accessToken);
    await client.start();
    await client.say('qual meu saldo?');
    const other = await startOtherInstance();
    try {
      const res = await fetch(`${other.baseUrl}/v3/directline/conversations/${client.conversationId}/activities?watermark=1`, {
        headers: client.headers(),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { activities: DirectLineActivity[] };
      expect(body.activities.map((activity) => activity.text).join('\n')).toMatch(/R\$/);
    } finally {
      await other.close();
    }
  });

  it('purges conversations idle beyond the retention', async () => {
    const client = await DirectLineClient.forCitizen(t);
    await client.start();
    await t.app.db.em
      .fork()
      .execute(`update directline_conversations set updated_at = now() - interval '25 hours' where id = ?`, [
        client.conversationId,
      ]);
    const store = new DirectLineStore(t.app.db.em);
    expect(await store.purgeIdle(24)).toBeGreaterThanOrEqual(1);
    expect((await client.poll()).status).toBe(404);
  });

  it('limits polling with its own budget', async () => {
    const limited = await startTestApp({ env: { JWT_SECRET, DIRECTLINE_POLL_RATE_LIMIT: '3' } });
    try {
      const client = await DirectLineClient.forCitizen(limited);
      await client.start();
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await client.poll()).status);
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      const refused = await client.poll();
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBeTruthy();
    } finally {
      await limited.close();
    }
  });
});

describe('files sent with the paper clip (upload)', () => {
  async function atAttachmentStep(): Promise<DirectLineClient> {
    const client = await DirectLineClient.forCitizen(t, citizen.accessToken);
    expect((await client.start()).status).toBe(201);
    await client.next();
    const cnh = findDocumentType('cnh')!;
    expect(await client.ask('salvar documento')).toMatch(/Qual documento/);
    expect(await client.ask('cnh')).toMatch(/número/i);
    expect(await client.ask(cnh.numberExample)).toMatch(/validade/i);
    expect(await client.ask('01/05/2030')).toMatch(/anexar/i);
    return client;
  }

  it('reaches the bot as the document file, and the stored echo keeps the name but not the bytes', async () => {
    const client = await atAttachmentStep();
    const png = sampleFiles.png(3072);
    const res = await client.upload({ bytes: png, name: 'minha cnh.png', type: 'image/png' });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    const activities = await client.next();
    const echo = activities.find((activity) => activity.id === id) as DirectLineActivity & {
      attachments?: Array<Record<string, unknown>>;
    };
    expect(echo.attachments).toEqual([{ contentType: 'image/png', name: 'minha cnh.png' }]);
    expect(JSON.stringify(activities)).not.toContain(png.toString('base64').slice(0, 40));
    const replies = activities.filter((activity) => activity.from.role === 'bot').map((activity) => activity.text ?? '');
    expect(replies.join('\n')).toMatch(/Arquivo: imagem PNG de 3 KiB/);

    expect(await client.ask('sim')).toMatch(/salvo/i);
    const documents = (await (await t.fetch('/v1/documents', { headers: citizen.auth })).json()) as {
      items: Array<{ id: string; type: string; hasFile?: boolean }>;
    };
    const saved = documents.items.find((document) => document.type === 'cnh')!;
    const file = await t.fetch(`/v1/documents/${saved.id}/file`, { headers: citizen.auth });
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
  });

  it('keeps only a plain media type from what the browser declares (it ends up in a data: URL)', async () => {
    const client = await atAttachmentStep();
    const res = await client.upload({ bytes: sampleFiles.pdf(), name: 'doc.pdf', type: '%%/x' });
    expect(res.status).toBe(200);
    const activities = await client.next();
    const echo = activities.find((activity) => activity.from.role === 'user') as DirectLineActivity & {
      attachments?: Array<Record<string, unknown>>;
    };
    expect(echo.attachments).toEqual([{ contentType: 'application/octet-stream', name: 'doc.pdf' }]);
    // The flow judges the file by its content: a PDF.
    expect(activities.map((activity) => activity.text ?? '').join('\n')).toMatch(/Arquivo: PDF de/);
  });

  it('refuses a file over the limit, two files, no activity part or a token of another conversation, storing nothing', async () => {
    const client = await atAttachmentStep();
    const before = (await (await client.poll()).json()) as { watermark: string };
    const tooBig = await client.upload({
      bytes: sampleFiles.pdf(5 * 1024 * 1024 + 1),
      name: 'grande.pdf',
      type: 'application/pdf',
    });
    expect(tooBig.status).toBe(413);
    expect(isProblem(tooBig)).toBe(true);

    const form = new FormData();
    form.append('activity', new Blob([JSON.stringify({ type: 'message' })], { type: 'application/vnd.microsoft.activity' }));
    form.append('file', new Blob([sampleFiles.png()], { type: 'image/png' }), 'a.png');
    form.append('file', new Blob([sampleFiles.png()], { type: 'image/png' }), 'b.png');
    const url = `/v3/directline/conversations/${client.conversationId}/upload`;
    const headers = { authorization: `Bearer ${client.token}` };
    const twoFiles = await t.fetch(url, { method: 'POST', headers, body: form });
    expect(twoFiles.status).toBe(400);
    expect(await twoFiles.json()).toMatchObject({ type: '/problems/malformed-request' });

    const onlyFile = new FormData();
    onlyFile.append('file', new Blob([sampleFiles.png()], { type: 'image/png' }), 'a.png');
    expect((await t.fetch(url, { method: 'POST', headers, body: onlyFile })).status).toBe(400);
    const notMultipart = await t.fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(notMultipart.status).toBe(415);

    const other = await DirectLineClient.forCitizen(t, citizen.accessToken);
    expect((await other.start()).status).toBe(201);
    other.conversationId = client.conversationId;
    expect((await other.upload({ bytes: sampleFiles.png(), name: 'a.png', type: 'image/png' })).status).toBe(403);

    const after = (await (await client.poll(client.conversationId, before.watermark)).json()) as { activities: unknown[] };
    expect(after.activities).toEqual([]);
    // Still at the attachment step: the file can be sent again.
    expect(await client.ask('pular')).toMatch(/Confira/);
  });
});

describe('WebSocket stream', () => {
  it('sends the welcome, then the echo and the replies as {activities, watermark} frames', async () => {
    const client = await DirectLineClient.forCitizen(t, citizen.accessToken);
    await client.start();
    const frames: Array<{ activities: DirectLineActivity[]; watermark: string }> = [];
    const ws = new WebSocket(client.streamUrl);
    ws.on('message', (data: Buffer) => {
      if (data.length > 0) frames.push(JSON.parse(data.toString()) as { activities: DirectLineActivity[]; watermark: string });
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    try {
      await waitFor(() => frames.length > 0);
      expect(frames[0].activities[0].text).toMatch(/IPlani/);
      expect(frames[0].watermark).toBe('1');
      await client.say('qual meu saldo?');
      await waitFor(() => frames.flatMap((frame) => frame.activities).some((activity) => /R\$/.test(activity.text ?? '')));
      const all = frames.flatMap((frame) => frame.activities);
      expect(all.map((activity) => activity.id)).toEqual([...new Set(all.map((activity) => activity.id))]);
      expect(all[1].text).toBe('qual meu saldo?');
    } finally {
      ws.close();
    }
  });

  it('refuses a stream with a token of another conversation', async () => {
    const a = await DirectLineClient.forCitizen(t);
    await a.start();
    const b = await DirectLineClient.forCitizen(t);
    await b.start();
    const url = b.streamUrl.replace(/t=[^&]+/, `t=${encodeURIComponent(a.token)}`);
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url);
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => {
        ws.close();
        resolve(101);
      });
      ws.once('error', () => resolve(-1));
    });
    expect(status).toBe(403);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A second instance on the same database. On PostgreSQL, a whole second app on the same URL; on PGlite (one
 * in-memory database per process) a second HTTP server with its own Direct Line over the same database handle.
 */
async function startOtherInstance(): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const config = { ...t.app.config, port: 0 };
  if (config.database.kind === 'postgresql') {
    const app: App = await buildApp(config, { logger: createLogger('silent') });
    const port = await app.listen();
    return { baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
  }
  const logger = createLogger('silent');
  const server = createHttpServer({ config, logger, orm: t.app.db.orm });
  const channel = registerDirectLine(server, {
    em: t.app.db.em,
    bot: new WalletBot(t.app.engine, logger, directLineEdge),
    logger,
    jwtSecret: JWT_SECRET,
    issuer: config.auth.issuer,
    publicBaseUrl: () => t.baseUrl,
    config: config.directline,
    maxUploadBytes: config.documents.maxFileBytes,
  });
  const port = await new Promise<number>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve(server.address().port);
    });
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      await channel.close();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}
