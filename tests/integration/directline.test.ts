import jwt from 'jsonwebtoken';
import WebSocket from 'ws';
import { buildApp, type App } from '../../src/main';
import { createHttpServer } from '../../http/server';
import { createLogger } from '../../src/shared/logger';
import { WalletBot } from '../../bot/wallet-bot';
import { directLineEdge } from '../../bot/channels/directline/bot-adapter';
import { registerDirectLine } from '../../bot/channels/directline/routes';
import { DirectLineRepository } from '../../src/conversations/directline.repository';
import { DirectLineTokens, type DirectLineClaims } from '../../bot/channels/directline/tokens';
import { TestClock, systemClock } from '../../src/shared/clock';
import { findDocumentType } from '../../src/documents/document-types';
import { postJson, registerCitizen, sampleFiles, signIn, type SignedInCitizen } from '../support/factories';
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

  it('reads the access token on a server where only Direct Line is registered (the server verifies bearers, not the API)', async () => {
    const other = await startOtherInstance();
    try {
      const res = await fetch(`${other.baseUrl}/v1/bot/directline/token`, {
        method: 'POST',
        headers: { authorization: `Bearer ${citizen.accessToken}` },
      });
      expect(res.status).toBe(200);
      const { token } = (await res.json()) as { token: string };
      expect((jwt.decode(token) as { cid: string | null }).cid).toBe(citizen.id);

      const bad = await fetch(`${other.baseUrl}/v1/bot/directline/token`, {
        method: 'POST',
        headers: { authorization: 'Bearer nope' },
      });
      expect(bad.status).toBe(401);
    } finally {
      await other.close();
    }
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
    // Web Chat draws the options as buttons: the bubble does not repeat them as a numbered list.
    expect(welcome[0].suggestedActions?.actions.map((action) => action.title)).toContain('Consultar saldo');
    expect(welcome[0].text).not.toMatch(/^\s*\d+\.\s/m);
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

    const claims = jwt.decode(a.token) as DirectLineClaims;
    // Signed an hour ago for a minute.
    const anHourAgo = new TestClock(new Date(Date.now() - 3_600_000));
    const expired = new DirectLineClient(
      t,
      new DirectLineTokens(JWT_SECRET, t.app.config.auth.issuer, 60, 43_200, anHourAgo).issue(claims).token,
    );
    expired.conversationId = a.conversationId;
    const expiredPoll = await expired.poll();
    expect(expiredPoll.status).toBe(403);
    expect(isProblem(expiredPoll)).toBe(true);

    const forged = new DirectLineClient(
      t,
      new DirectLineTokens('another-secret-another-secret-0123456789', t.app.config.auth.issuer, 600, 43_200, systemClock).issue(
        claims,
      ).token,
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
    expect(await new DirectLineRepository(t.app.db.em).deleteIdle(24, t.app.clock.now())).toBeGreaterThanOrEqual(1);
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
    // The summary has bold field names: Markdown, with the same words unmarked in `speak` for the live region.
    const summary = activities.find((activity) => activity.from.role === 'bot' && /Confira/.test(activity.text ?? ''))!;
    expect(summary.textFormat).toBe('markdown');
    expect(summary.text).toMatch(/• \*\*Arquivo\\:\*\* imagem PNG de 3 KiB/);
    expect(summary.speak).toMatch(/• Arquivo: imagem PNG de 3 KiB/);

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
    expect(activities.map((activity) => activity.speak ?? '').join('\n')).toMatch(/Arquivo: PDF de/);
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

describe('tokens end with the session that created them, and have a maximum lifetime (issue 15 §7)', () => {
  const clock = new TestClock();
  let timed: TestApp;
  beforeAll(async () => {
    timed = await startTestApp({
      env: {
        JWT_SECRET,
        DIRECTLINE_TOKEN_TTL_SECONDS: '1800',
        DIRECTLINE_TOKEN_MAX_LIFETIME_HOURS: '1',
        DIRECTLINE_POLL_RATE_LIMIT: '100000',
        DIRECTLINE_START_RATE_LIMIT: '100000',
      },
      clock,
    });
  });
  afterAll(async () => {
    await timed.close();
  });
  beforeEach(() => {
    clock.set(new Date());
  });

  const refresh = (client: DirectLineClient) =>
    timed.fetch('/v3/directline/tokens/refresh', { method: 'POST', headers: { authorization: `Bearer ${client.token}` } });
  const streamStatus = (url: string) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(url);
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => {
        ws.close();
        resolve(101);
      });
      ws.once('error', () => resolve(-1));
    });

  it('carries the session of the access token and the start of its chain; a refresh keeps both', async () => {
    const citizen = await registerCitizen(timed);
    const client = await DirectLineClient.forCitizen(timed, citizen.accessToken);
    const claims = jwt.decode(client.token) as DirectLineClaims;
    expect(claims.sid).toBe((jwt.decode(citizen.accessToken) as { sid: string }).sid);
    expect(claims.started).toBe(Math.floor(clock.now().getTime() / 1000));
    await client.start();
    clock.advance(10 * 60_000);
    const refreshed = (await (await refresh(client)).json()) as { token: string };
    expect(jwt.decode(refreshed.token)).toMatchObject({ sid: claims.sid, started: claims.started, cid: citizen.id });
    const anonymous = jwt.decode((await DirectLineClient.forCitizen(timed)).token) as DirectLineClaims;
    expect(anonymous).toMatchObject({ cid: null, sid: null });
  });

  it('stops working everywhere once the citizen signs out: refresh, poll, post, reconnect and stream', async () => {
    const citizen = await registerCitizen(timed);
    const client = await DirectLineClient.forCitizen(timed, citizen.accessToken);
    expect((await client.start()).status).toBe(201);
    expect((await client.poll()).status).toBe(200);
    expect((await postJson(timed, '/v1/auth/revoke', { token: citizen.refreshToken })).status).toBe(204);

    const poll = await client.poll();
    expect(poll.status).toBe(403);
    expect(await poll.json()).toMatchObject({ type: '/problems/forbidden', detail: expect.stringMatching(/sessão/) });
    expect((await refresh(client)).status).toBe(403);
    const post = await timed.fetch(`/v3/directline/conversations/${client.conversationId}/activities`, {
      method: 'POST',
      headers: client.headers(),
      body: JSON.stringify({ type: 'message', text: 'qual meu saldo?' }),
    });
    expect(post.status).toBe(403);
    const reconnect = await timed.fetch(`/v3/directline/conversations/${client.conversationId}`, { headers: client.headers() });
    expect(reconnect.status).toBe(403);
    expect(await streamStatus(client.streamUrl)).toBe(403);
    // Nothing the refused post said reached the conversation.
    const stored = await timed.app.db.em
      .fork()
      .execute(`select count(*)::int as n from directline_activities where conversation_id = ?`, [client.conversationId]);
    expect(stored[0].n).toBe(1);
  });

  it('stops working after a password change made in another session', async () => {
    const citizen = await registerCitizen(timed);
    const client = await DirectLineClient.forCitizen(timed, citizen.accessToken);
    await client.start();
    const elsewhere = await signIn(timed, citizen.input.email, citizen.input.password);
    const changed = await postJson(
      timed,
      '/v1/me/password',
      { currentPassword: citizen.input.password, newPassword: 'another long passphrase' },
      { authorization: `Bearer ${elsewhere.accessToken}` },
    );
    expect(changed.status).toBe(204);
    expect((await client.poll()).status).toBe(403);
    expect((await refresh(client)).status).toBe(403);
  });

  it('ends at the maximum lifetime of its chain however often it is refreshed', async () => {
    const citizen = await registerCitizen(timed);
    const client = await DirectLineClient.forCitizen(timed, citizen.accessToken);
    await client.start();
    // Web Chat refreshes about every 15 minutes; the chain started at t0 ends at t0 + 1 h.
    for (let minute = 15; minute <= 45; minute += 15) {
      clock.advance(15 * 60_000);
      const res = await refresh(client);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { token: string; expires_in: number };
      expect(body.expires_in).toBe(Math.min(1800, (60 - minute) * 60));
      client.token = body.token;
      expect((await client.poll()).status).toBe(200);
    }
    clock.advance(15 * 60_000);
    const ended = await refresh(client);
    expect(ended.status).toBe(403);
    expect(await ended.json()).toMatchObject({ detail: expect.stringMatching(/expirou/) });
    expect((await client.poll()).status).toBe(403);
    // The citizen's session itself is fine: a new chat starts a new chain.
    const fresh = await timed.fetch('/v1/bot/directline/token', {
      method: 'POST',
      headers: { authorization: `Bearer ${(await signIn(timed, citizen.input.email, citizen.input.password)).accessToken}` },
    });
    expect(fresh.status).toBe(200);
  });

  it('applies the maximum lifetime to anonymous chats too', async () => {
    const client = await DirectLineClient.forCitizen(timed);
    await client.start();
    clock.advance(25 * 60_000);
    const first = await refresh(client);
    client.token = ((await first.json()) as { token: string }).token;
    clock.advance(25 * 60_000);
    const second = await refresh(client);
    expect(((await second.json()) as { expires_in: number }).expires_in).toBe(600);
    clock.advance(11 * 60_000);
    expect((await refresh(client)).status).toBe(403);
  });

  it('closes an open stream when its session ends or its token expires', async () => {
    const citizen = await registerCitizen(timed);
    const client = await DirectLineClient.forCitizen(timed, citizen.accessToken);
    await client.start();
    const open = (url: string) =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(url);
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      });
    const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

    const first = await open(client.streamUrl);
    const firstClosed = closed(first);
    await postJson(timed, '/v1/auth/revoke', { token: citizen.refreshToken });
    // The stream re-checks the session every 30 s of the app's clock.
    clock.advance(31_000);
    expect(await firstClosed).toBe(4401);

    const other = await registerCitizen(timed);
    const chat = await DirectLineClient.forCitizen(timed, other.accessToken);
    await chat.start();
    const second = await open(chat.streamUrl);
    const secondClosed = closed(second);
    clock.advance(30 * 60_000);
    expect(await secondClosed).toBe(4401);
  });
});

describe('text with a NUL character (issue 15 §9)', () => {
  it('is refused with a 400 problem and nothing is stored, in a posted activity and in an upload', async () => {
    const client = await DirectLineClient.forCitizen(t, citizen.accessToken);
    await client.start();
    const before = await t.app.db.em
      .fork()
      .execute(`select count(*)::int as n from directline_activities where conversation_id = ?`, [client.conversationId]);
    const res = await t.fetch(`/v3/directline/conversations/${client.conversationId}/activities`, {
      method: 'POST',
      headers: client.headers(),
      body: JSON.stringify({ type: 'message', text: 'qual meu saldo?\u0000' }),
    });
    expect(res.status).toBe(400);
    expect(isProblem(res)).toBe(true);
    expect(await res.json()).toMatchObject({ type: '/problems/malformed-request', errors: [{ field: 'text' }] });
    const upload = await client.upload(
      { bytes: sampleFiles.pdf(), name: 'doc.pdf', type: 'application/pdf' },
      { type: 'message', text: 'arquivo\u0000', locale: 'pt-BR' },
    );
    expect(upload.status).toBe(400);
    const after = await t.app.db.em
      .fork()
      .execute(`select count(*)::int as n from directline_activities where conversation_id = ?`, [client.conversationId]);
    expect(after[0].n).toBe(before[0].n);
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
  const server = createHttpServer({
    config,
    logger,
    orm: t.app.db.orm,
    bearer: { jwtSecret: JWT_SECRET, sessions: t.app.services.sessions, clock: systemClock },
  });
  const channel = registerDirectLine(server, {
    em: t.app.db.em,
    bot: new WalletBot(t.app.engine, logger, directLineEdge),
    logger,
    jwtSecret: JWT_SECRET,
    issuer: config.auth.issuer,
    publicBaseUrl: () => t.baseUrl,
    config: config.directline,
    maxUploadBytes: config.documents.maxFileBytes,
    sessions: t.app.services.sessions,
    clock: systemClock,
    listen: (channel, handlers) => t.app.db.listen(channel, handlers, logger),
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

describe('LGPD erasure', () => {
  it("deletes the citizen's web chat conversations and their transcripts, and the token no longer reaches them", async () => {
    const leaving = await registerCitizen(t);
    const staying = await registerCitizen(t);
    const chats = [
      await DirectLineClient.forCitizen(t, leaving.accessToken),
      await DirectLineClient.forCitizen(t, staying.accessToken),
    ];
    for (const chat of chats) {
      expect((await chat.start()).status).toBe(201);
      expect(await chat.ask('qual meu saldo?')).toMatch(/R\$/);
    }
    const count = async (sql: string, id: string) => (await t.app.db.em.fork().execute<Array<{ n: number }>>(sql, [id]))[0].n;
    const conversations = 'select count(*)::int as n from directline_conversations where citizen_id = ?';
    const transcript = 'select count(*)::int as n from directline_activities where conversation_id = ?';
    expect(await count(transcript, chats[0].conversationId)).toBeGreaterThan(0);

    expect((await t.fetch('/v1/me', { method: 'DELETE', headers: leaving.auth })).status).toBe(204);

    expect(await count(conversations, leaving.id)).toBe(0);
    expect(await count(transcript, chats[0].conversationId)).toBe(0);
    // The other citizen's chat is untouched.
    expect(await count(conversations, staying.id)).toBe(1);
    expect(await count(transcript, chats[1].conversationId)).toBeGreaterThan(0);
    // The erased citizen's token finds no conversation to read.
    const read = await t.fetch(`/v3/directline/conversations/${chats[0].conversationId}/activities`, {
      headers: { authorization: `Bearer ${chats[0].token}` },
    });
    expect(read.status).toBeGreaterThanOrEqual(400);
    expect(read.status).toBeLessThan(500);
  });
});
