import { Client } from 'pg';
import WebSocket from 'ws';
import { LISTENER_APPLICATION_NAME, listenStatement } from '../../src/db/notifications';
import { OUTBOX_CHANNEL } from '../../src/notifications/outbox.repository';
import { DIRECTLINE_ACTIVITY_CHANNEL } from '../../src/conversations/directline.repository';
import { spawnApp, type AppProcess } from '../support/app-process';
import { createScratchDatabase, killApp, postJson, postgresAppEnv, waitFor } from '../support/remote-app';
import { requirePostgres } from '../support/require-postgres';

/**
 * Web chat across two app instances on one PostgreSQL database: the citizen's messages go to instance A, the
 * WebSocket stream (and Web Chat's polls) to instance B. B learns of A's replies by LISTEN/NOTIFY, not by re-reading:
 * its periodic re-read (the safety net) is set to ten minutes, and every reply must arrive within a second.
 */
requirePostgres();
jest.setTimeout(120_000);

const SAFETY_NET_SECONDS = 600;
/** How long a reply may take to reach the other instance's stream once the POST that caused it returned. */
const REPLY_DEADLINE_MS = 1000;

interface StreamActivity {
  id: string;
  type: string;
  text?: string;
  replyToId?: string;
  from: { role?: string };
}

let drop: (() => Promise<void>) | undefined;
let databaseUrl: string;
let a: AppProcess;
let b: AppProcess;

beforeAll(async () => {
  const scratch = await createScratchDatabase();
  drop = scratch.drop;
  databaseUrl = scratch.url;
  const env = postgresAppEnv(databaseUrl, { DIRECTLINE_STREAM_RECHECK_SECONDS: String(SAFETY_NET_SECONDS) });
  [a, b] = await Promise.all([spawnApp(env), spawnApp(env)]);
});

afterAll(async () => {
  await Promise.all([killApp(a), killApp(b)]);
  await drop?.();
});

/** The activities a WebSocket stream delivered, and a way to wait, with a deadline, for one that matches. */
class StreamReader {
  private readonly seen: StreamActivity[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse((data as Buffer).toString('utf8')) as { activities: StreamActivity[] };
      this.seen.push(...frame.activities);
      for (const waiter of this.waiters) waiter();
    });
  }

  /** Resolves with the first activity matching `predicate`, or rejects once `deadlineMs` passed without one. */
  until(what: string, predicate: (activity: StreamActivity) => boolean, deadlineMs: number): Promise<StreamActivity> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.seen.find(predicate);
        if (!found) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no ${what} on the stream within ${deadlineMs} ms; seen: ${JSON.stringify(this.seen)}`));
      }, deadlineMs);
      this.waiters.add(check);
      check();
    });
  }
}

/** An anonymous web chat started on A, its stream opened on B (the stream URL's origin swapped for B's). */
async function chatAcrossInstances(): Promise<{ conversationId: string; token: string; stream: StreamReader }> {
  const tokenRes = await postJson(a.baseUrl, '/v1/bot/directline/token', undefined);
  expect(tokenRes.status).toBe(200);
  const issued = (await tokenRes.json()) as { token: string };
  const started = await postJson(a.baseUrl, '/v3/directline/conversations', undefined, {
    authorization: `Bearer ${issued.token}`,
  });
  expect(started.status).toBe(201);
  const { conversationId, token, streamUrl } = (await started.json()) as {
    conversationId: string;
    token: string;
    streamUrl: string;
  };
  const onB = new URL(streamUrl);
  onB.host = new URL(b.baseUrl).host;
  const ws = new WebSocket(onB.href);
  const stream = new StreamReader(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  // The welcome was written on A before the stream opened: the stream's first read sends it.
  await stream.until('welcome', (activity) => activity.from.role === 'bot', 10_000);
  return { conversationId, token, stream };
}

/** Posts a message to A as Web Chat does, then waits for the bot's reply to it on B's stream. */
async function sayOnAHearOnB(chat: { conversationId: string; token: string; stream: StreamReader }, text: string) {
  const res = await postJson(
    a.baseUrl,
    `/v3/directline/conversations/${chat.conversationId}/activities`,
    {
      type: 'message',
      text,
      textFormat: 'plain',
      locale: 'pt-BR',
      from: { id: 'dl_whoever', role: 'user' },
      channelData: { clientActivityID: `client-${text}` },
    },
    { authorization: `Bearer ${chat.token}` },
  );
  expect(res.status).toBe(200);
  const { id } = (await res.json()) as { id: string };
  // The POST returns after the bot's turn: its reply is committed on A by now. Far below the ten-minute safety net,
  // only a notification can bring it to B in time.
  const reply = await chat.stream.until(
    `reply to ${id}`,
    (activity) => activity.replyToId === id && activity.from.role === 'bot',
    REPLY_DEADLINE_MS,
  );
  expect(reply.text).toBeTruthy();
  return { id, reply };
}

async function onScratch<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The backends of the instances' listeners that are listening to both the web chat's and the outbox's channels (their
 * last statement was the one LISTEN naming both).
 */
function listeners(): Promise<number[]> {
  return onScratch(async (client) => {
    const { rows } = await client.query<{ pid: number }>(
      `select pid from pg_stat_activity
        where datname = current_database() and application_name = $1 and state = 'idle' and query = $2`,
      [LISTENER_APPLICATION_NAME, listenStatement([DIRECTLINE_ACTIVITY_CHANNEL, OUTBOX_CHANNEL])],
    );
    return rows.map((row) => row.pid);
  });
}

/** Every listening connection of the instances, whatever it last ran. */
function listenerConnections(): Promise<number> {
  return onScratch(async (client) => {
    const { rows } = await client.query<{ n: number }>(
      'select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = $1',
      [LISTENER_APPLICATION_NAME],
    );
    return rows[0].n;
  });
}

it('delivers each reply to a message posted on A to the stream on B within a second, and to a poll on B', async () => {
  const chat = await chatAcrossInstances();
  for (const text of ['oi', 'o que você faz?', 'obrigado']) {
    const { id, reply } = await sayOnAHearOnB(chat, text);
    // Web Chat without WebSocket polls B with its watermark: the same reply is there.
    const polled = await fetch(`${b.baseUrl}/v3/directline/conversations/${chat.conversationId}/activities?watermark=`, {
      headers: { authorization: `Bearer ${chat.token}` },
    });
    const body = (await polled.json()) as { activities: StreamActivity[] };
    expect(body.activities.map((activity) => activity.id)).toEqual(expect.arrayContaining([id, reply.id]));
  }
  chat.stream.ws.close();
});

it('still wakes the stream on B after the listeners’ connections were terminated (they reconnect and listen again)', async () => {
  const chat = await chatAcrossInstances();
  await sayOnAHearOnB(chat, 'oi');
  const before = await listeners();
  // One listening connection per instance serves both channels.
  expect(before).toHaveLength(2);
  expect(await listenerConnections()).toBe(2);
  const terminated = await onScratch(async (client) => {
    const { rows } = await client.query<{ ok: boolean }>('select pg_terminate_backend(pid) as ok from unnest($1::int[]) pid', [
      before,
    ]);
    return rows.filter((row) => row.ok).length;
  });
  expect(terminated).toBe(2);
  await waitFor('both listeners to listen again on new connections', 15_000, async () => {
    const now = await listeners();
    return now.length === 2 && now.every((pid) => !before.includes(pid));
  });
  expect(await listenerConnections()).toBe(2);
  for (const text of ['o que você faz?', 'obrigado']) await sayOnAHearOnB(chat, text);
  chat.stream.ws.close();
});
