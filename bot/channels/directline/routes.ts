import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Activity } from 'botbuilder';
import type { Request, Response, Server } from 'restify';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EntityManager } from '../../../src/db/orm';
import type { Logger } from '../../../src/shared/logger';
import { DomainError } from '../../../src/shared/errors';
import type { Clock } from '../../../src/shared/clock';
import type { SessionsService } from '../../../src/accounts/sessions.service';
import { RateLimiter } from '../../../src/shared/rate-limiter';
import { RateLimitWindowsRepository } from '../../../src/shared/rate-limit-windows.repository';
import { DIRECTLINE_ACTIVITY_CHANNEL, DirectLineRepository } from '../../../src/conversations/directline.repository';
import type { NotificationHandlers, NotificationListener } from '../../../src/db/notifications';
import { DirectLineBotAdapter, type TurnLogic } from './bot-adapter';
import { DirectLineStore } from './store';
import { StreamWakeups } from './stream-wakeups';
import { DirectLineTokenError, DirectLineTokens, type DirectLineClaims } from './tokens';
import { readDirectLineUpload, type UploadedAttachment } from './upload';
import { WEBCHAT_LINK_NOT_ALLOWED, WEBCHAT_LINK_NOT_NEEDED } from '../../render/channels.pt-BR';
import { isCanonicalPath } from '../../../http/paths';
import { HttpError } from '../../../http/errors';
import { exemptFromGlobalRateLimit, streamingRoute } from '../../../http/routes';

/** Direct Line settings (see `.env.example`). */
export interface DirectLineConfig {
  tokenTtlSeconds: number;
  /** However often refreshed, a chain of tokens ends this long after its first one. */
  tokenMaxLifetimeHours: number;
  /** Polls per conversation per window: Web Chat polls about once a second. */
  pollRateLimit: number;
  /** Conversation starts per client address per window. */
  startRateLimit: number;
  rateWindowSeconds: number;
  /**
   * An open stream re-reads its conversation this often even when nothing woke it: the safety net for a notification
   * that never came (see {@link DirectLineDependencies.listen}).
   */
  streamRecheckSeconds: number;
}

export interface DirectLineDependencies {
  em: EntityManager;
  bot: TurnLogic;
  logger: Logger;
  jwtSecret: string;
  issuer: string;
  /** The app's public origin (PUBLIC_BASE_URL): stream URLs and the serviceUrl of turns are built from it. */
  publicBaseUrl: () => string;
  config: DirectLineConfig;
  /** Largest file a citizen may upload in the chat (the documents' limit). */
  maxUploadBytes: number;
  /** Whether the session behind a citizen's token is still on (the access tokens' own check). */
  sessions: Pick<SessionsService, 'actorFor'>;
  clock: Clock;
  /**
   * Listens to a database notification channel across instances (PostgreSQL's LISTEN on a connection of its own,
   * src/db/notifications.ts); resolves to null on the embedded database, one process, where the wake in process is
   * all there is.
   */
  listen(channel: string, handlers: NotificationHandlers): Promise<NotificationListener | null>;
}

/** The running Direct Line channel; `close()` ends its streams and its listener. */
export interface DirectLineChannel {
  store: DirectLineStore;
  /** Wakes this instance's streams of a conversation after something outside a turn appended to it (a notice). */
  wake(conversationId: string): void;
  tokens: DirectLineTokens;
  /** Resolves once the channel listens to other instances' activities (or its first attempt to failed). */
  ready: Promise<void>;
  close(): Promise<void>;
}

const BASE = '/v3/directline';
const BOT = { id: 'iplani', name: 'IPlani', role: 'bot' };
/** Activity types a client may post; conversationUpdate is the server's to send. */
const CLIENT_TYPES = new Set(['message', 'typing', 'event']);
/**
 * Fields of a client's activity that are kept; identity and addressing are always the server's, and so are files:
 * `attachments` sent by the browser (URLs it chose) are dropped, only the upload route's bytes reach the bot.
 */
const CLIENT_FIELDS = [
  'type',
  'text',
  'textFormat',
  'locale',
  'localTimestamp',
  'localTimezone',
  'value',
  'name',
  'channelData',
  'entities',
] as const;
const LINK_COMMAND = /^\s*vincular\b/i;
const STREAM_PATH = /^\/v3\/directline\/conversations\/([A-Za-z0-9_-]{1,64})\/stream$/;
/** An open stream re-checks, this often by the app's clock, that the session behind its token has not ended. */
const STREAM_SESSION_RECHECK_MS = 30_000;
/** How often an open stream compares its token's end with the app's clock (no database read). */
const STREAM_VALIDITY_TICK_MS = 1000;
/** WebSocket close code of a stream whose token expired or whose session ended (4000-4999: the application's own). */
const CLOSE_TOKEN_ENDED = 4401;

function bearer(req: Request): string | undefined {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

function conversationParam(req: Request): string {
  const params = req.params as Record<string, unknown>;
  return typeof params.id === 'string' ? params.id : '';
}

/**
 * The app's own Direct Line 3.0 (the subset Bot Framework Web Chat uses, see DIRECTLINE.md): tokens that carry the
 * citizen, conversations and activities stored in the database, polling and a WebSocket stream, token refresh, and
 * retention. The bot runs in process through {@link DirectLineBotAdapter} with channelId `webchat`.
 */
export function registerDirectLine(server: Server, deps: DirectLineDependencies): DirectLineChannel {
  const { em, logger, config } = deps;
  /** The serviceUrl of this channel's turns: never read from the request (a client picks its Host header). */
  const serviceUrl = () => `${deps.publicBaseUrl()}${BASE}`;
  const tokens = new DirectLineTokens(
    deps.jwtSecret,
    deps.issuer,
    config.tokenTtlSeconds,
    config.tokenMaxLifetimeHours * 3600,
    deps.clock,
  );
  // Activities appended here wake this instance's streams at once; those appended by another instance, on the
  // database's notification (sent by the append's own statement, so only once committed).
  const wakeups = new StreamWakeups();
  const store = new DirectLineStore(new DirectLineRepository(em), wakeups.origin);
  const listening = deps
    .listen(DIRECTLINE_ACTIVITY_CHANNEL, {
      onNotification: (payload) => wakeups.heard(payload),
      onResumed: () => wakeups.wakeAll(),
    })
    .catch((error: unknown) => {
      logger.error({ err: error }, 'Direct Line streams cannot listen to other instances; they re-read on their timer only');
      return null;
    });
  const windows = new RateLimitWindowsRepository(em);
  const pollLimiter = new RateLimiter(
    'directline-poll',
    { limit: config.pollRateLimit, windowSeconds: config.rateWindowSeconds },
    windows,
  );
  const startLimiter = new RateLimiter(
    'directline-start',
    { limit: config.startRateLimit, windowSeconds: config.rateWindowSeconds },
    windows,
  );
  const wake = (conversationId: string) => wakeups.wake(conversationId);
  const adapter = new DirectLineBotAdapter(store, deps.bot, logger, wake);

  /** Whether the citizen's session behind a token is still on (an anonymous chat has none to end). */
  async function sessionOn(claims: DirectLineClaims): Promise<boolean> {
    if (claims.cid === null) return true;
    return (await deps.sessions.actorFor(claims.cid, claims.sid ?? undefined)) !== null;
  }

  /**
   * The claims of a presented token: signed by us, unexpired, within its chain's maximum lifetime, for this
   * conversation, and (a citizen's chat) with the session that opened it still on. Every route checks all of it.
   */
  async function claimsOf(token: string | undefined, conversationId?: string): Promise<DirectLineClaims & { exp: number }> {
    let claims: DirectLineClaims & { exp: number };
    try {
      claims = tokens.verify(token);
    } catch (error) {
      throw error instanceof DirectLineTokenError ? error.toDomainError() : error;
    }
    if (conversationId !== undefined && claims.conv !== conversationId) {
      throw new DomainError('forbidden', 'Este token não dá acesso a esta conversa.');
    }
    if (!(await sessionOn(claims)))
      throw new DomainError(
        'forbidden',
        'A sessão que abriu esta conversa foi encerrada (saída, troca de senha ou outro motivo). Entre novamente.',
      );
    return claims;
  }

  /** The next token of a chain, or the 403 a Web Chat client reads as "expired" at the end of its maximum lifetime. */
  function nextToken(claims: DirectLineClaims) {
    try {
      return tokens.issue(claims);
    } catch (error) {
      throw error instanceof DirectLineTokenError ? error.toDomainError() : error;
    }
  }

  async function existingConversation(id: string) {
    const conversation = await store.find(id);
    if (!conversation) throw new DomainError('not-found', 'Conversa não encontrada ou encerrada.');
    return conversation;
  }

  function started(claims: DirectLineClaims) {
    const issued = nextToken(claims);
    const streamOrigin = deps.publicBaseUrl().replace(/^http/, 'ws');
    return {
      ...issued,
      streamUrl: `${streamOrigin}${BASE}/conversations/${claims.conv}/stream?t=${encodeURIComponent(issued.token)}`,
      referenceGrammarId: 'carteira-digital-carioca',
    };
  }

  // Web Chat polls about once a second: the conversation's own budget (DirectLineSettings) limits it, not the global
  // per-address one. The token route, under /v1, stays in the global budget.
  exemptFromGlobalRateLimit(server, { path: BASE, subtree: true });
  server.post('/v1/bot/directline/token', async function directLineToken(req: Request, res: Response) {
    // A bearer access token makes it the citizen's chat, bound to that token's session; without one the chat is
    // anonymous (FAQ only).
    const actor = req.headers.authorization ? await req.authenticateBearer() : null;
    const citizenId = actor?.id ?? null;
    const claims = tokens.newChain({
      user: tokens.userIdFor(citizenId),
      conv: tokens.newConversationId(),
      cid: citizenId,
      sid: actor?.sessionId ?? null,
    });
    res.send(200, nextToken(claims));
  });

  server.post(`${BASE}/tokens/refresh`, async function refreshDirectLineToken(req: Request, res: Response) {
    const claims = await claimsOf(bearer(req));
    await existingConversation(claims.conv);
    res.send(200, nextToken(claims));
  });

  server.post(`${BASE}/conversations`, async function startConversation(req: Request, res: Response) {
    const claims = await claimsOf(bearer(req));
    await startLimiter.consume(req.meta.address);
    const created = await store.create({ id: claims.conv, userId: claims.user, citizenId: claims.cid });
    if (created) {
      // The welcome: Web Chat expects the bot to speak first; the channel tells the bot the user joined.
      await adapter.runTurn(
        {
          type: 'conversationUpdate',
          channelId: 'webchat',
          serviceUrl: serviceUrl(),
          conversation: { id: claims.conv, isGroup: false, conversationType: 'personal', name: '' },
          from: { id: claims.user, role: 'user', name: '' },
          recipient: BOT,
          membersAdded: [{ id: claims.user, name: '' }],
          timestamp: new Date(),
          locale: 'pt-BR',
        },
        claims.cid,
      );
    }
    res.send(201, started(claims));
  });

  server.get(`${BASE}/conversations/:id`, async function reconnectConversation(req: Request, res: Response) {
    const claims = await claimsOf(bearer(req), conversationParam(req));
    await existingConversation(claims.conv);
    res.send(200, started(claims));
  });

  server.get(`${BASE}/conversations/:id/activities`, async function pollActivities(req: Request, res: Response) {
    const claims = await claimsOf(bearer(req), conversationParam(req));
    await pollLimiter.consume(claims.conv);
    await existingConversation(claims.conv);
    const query = req.query as Record<string, unknown> | undefined;
    const watermark = typeof query?.watermark === 'string' ? query.watermark : undefined;
    res.send(200, await store.activitiesAfter(claims.conv, watermark));
  });

  /**
   * A client's activity: stored as the echo Web Chat waits for, then answered. `files` (from an upload) reach the bot as
   * bytes on this turn only; the stored echo names them without their bytes, so a document photo is never kept in the
   * transcript nor sent back to the page.
   */
  async function receive(claims: DirectLineClaims, body: unknown, files: UploadedAttachment[] = []) {
    if (typeof body !== 'object' || body === null || Array.isArray(body) || !CLIENT_TYPES.has(String((body as Activity).type))) {
      throw new HttpError('malformed-request', 'Envie uma atividade com type "message", "typing" ou "event".');
    }
    const fields = body as Record<string, unknown>;
    if (fields.type === 'typing') return '';
    const activity: Partial<Activity> = {};
    for (const field of CLIENT_FIELDS) {
      if (fields[field] !== undefined) (activity as Record<string, unknown>)[field] = fields[field];
    }
    if (files.length > 0) {
      activity.attachments = files.map((file) => ({ contentType: file.contentType, name: file.name }));
    }
    // Identity comes from the token only: whatever `from` the client sent is replaced.
    const from = { id: claims.user, role: 'user', name: '' };
    const echo: Partial<Activity> = { ...activity, channelId: 'webchat', from, recipient: BOT };
    const id = await store.append(claims.conv, echo);
    wake(claims.conv);
    if (activity.type === 'message' && typeof activity.text === 'string' && LINK_COMMAND.test(activity.text)) {
      // The token already says who is chatting; a link code here would only confuse (and, anonymously, is refused).
      await store.append(claims.conv, {
        type: 'message',
        channelId: 'webchat',
        from: BOT,
        recipient: from,
        replyToId: id,
        text: claims.cid ? WEBCHAT_LINK_NOT_NEEDED : WEBCHAT_LINK_NOT_ALLOWED,
        textFormat: 'plain',
        locale: 'pt-BR',
      });
      wake(claims.conv);
    } else if (activity.type === 'message') {
      await adapter.runTurn(
        {
          ...echo,
          id,
          serviceUrl: serviceUrl(),
          conversation: { id: claims.conv, isGroup: false, conversationType: 'personal', name: '' },
          timestamp: new Date(),
        },
        claims.cid,
        files,
      );
    }
    return id;
  }

  server.post(`${BASE}/conversations/:id/activities`, async function postActivity(req: Request, res: Response) {
    const claims = await claimsOf(bearer(req), conversationParam(req));
    await existingConversation(claims.conv);
    res.send(200, { id: await receive(claims, req.body) });
  });

  // Web Chat's paper clip: the activity and its file as multipart/form-data, read as a stream (the body parser leaves
  // this route alone).
  const UPLOAD_PATH = `${BASE}/conversations/:id/upload`;
  server.post(UPLOAD_PATH, async function uploadAttachment(req: Request, res: Response) {
    const claims = await claimsOf(bearer(req), conversationParam(req));
    await existingConversation(claims.conv);
    const upload = await readDirectLineUpload(req, req.headers, deps.maxUploadBytes);
    res.send(200, { id: await receive(claims, upload.activity, [upload.file]) });
  });
  streamingRoute(server, 'POST', UPLOAD_PATH);

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  function refuse(socket: Duplex, status: string): void {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }
  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '/').split('?')[0];
    if (!isCanonicalPath(path)) {
      if (path.includes('/v3/directline')) refuse(socket, '400 Bad Request');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = STREAM_PATH.exec(url.pathname);
    if (!match) return;
    const conversationId = match[1];
    let claims: DirectLineClaims & { exp: number };
    try {
      claims = tokens.verify(url.searchParams.get('t') ?? undefined);
    } catch {
      refuse(socket, '403 Forbidden');
      return;
    }
    if (claims.conv !== conversationId) {
      refuse(socket, '403 Forbidden');
      return;
    }
    // The same checks as every HTTP route: the session behind a citizen's token must still be on.
    Promise.all([sessionOn(claims), store.find(conversationId)]).then(
      ([on, conversation]) => {
        if (!on) {
          refuse(socket, '403 Forbidden');
          return;
        }
        if (!conversation) {
          refuse(socket, '404 Not Found');
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => stream(ws, claims, url.searchParams.get('watermark') ?? undefined));
      },
      (error: unknown) => {
        logger.error({ err: error }, 'Direct Line stream could not start');
        refuse(socket, '503 Service Unavailable');
      },
    );
  }

  /**
   * Sends every activity after the watermark as frames, whenever woken (by {@link StreamWakeups}) and at least every
   * `streamRecheckSeconds` (the safety net). The stream lives no longer than its token: checked every
   * STREAM_VALIDITY_TICK_MS, it closes once the token expires (Web Chat then reconnects with its refreshed one, through
   * the checks) or, re-checked every STREAM_SESSION_RECHECK_MS of the app's clock, once the citizen's session ends.
   */
  function stream(ws: WebSocket, claims: DirectLineClaims & { exp: number }, initialWatermark: string | undefined): void {
    const conversationId = claims.conv;
    let watermark = initialWatermark;
    let running = false;
    let again = false;
    let sessionCheckedAt = deps.clock.now().getTime();
    /** Whether the token still holds; closes the stream when it does not. */
    const stillValid = async (): Promise<boolean> => {
      const now = deps.clock.now().getTime();
      let valid = now < claims.exp * 1000;
      if (valid && now - sessionCheckedAt >= STREAM_SESSION_RECHECK_MS) {
        sessionCheckedAt = now;
        valid = await sessionOn(claims);
      }
      if (!valid && ws.readyState === ws.OPEN) ws.close(CLOSE_TOKEN_ENDED, 'token expired or session ended');
      return valid;
    };
    const pump = (): void => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      (async () => {
        if (!(await stillValid())) return;
        do {
          again = false;
          const set = await store.activitiesAfter(conversationId, watermark);
          if (set.activities.length > 0 && ws.readyState === ws.OPEN) {
            ws.send(JSON.stringify(set));
            again = true;
          }
          watermark = set.watermark;
        } while (again && ws.readyState === ws.OPEN);
      })()
        .catch((error: unknown) => logger.warn({ err: error }, 'Direct Line stream read failed'))
        .finally(() => {
          running = false;
        });
    };
    const unsubscribe = wakeups.subscribe(conversationId, pump);
    const timer = setInterval(pump, config.streamRecheckSeconds * 1000);
    timer.unref();
    // The token's end is a comparison with the clock; the session is read from the database only every
    // STREAM_SESSION_RECHECK_MS.
    const validity = setInterval(() => {
      stillValid().catch((error: unknown) => logger.warn({ err: error }, 'Direct Line stream session check failed'));
    }, STREAM_VALIDITY_TICK_MS);
    validity.unref();
    // The client pings with an empty message every 20 s; nothing it sends on the stream is an activity.
    ws.on('message', () => undefined);
    ws.on('close', () => {
      clearInterval(timer);
      clearInterval(validity);
      unsubscribe();
    });
    pump();
  }
  server.server.on('upgrade', onUpgrade);

  return {
    store,
    wake,
    tokens,
    ready: listening.then(() => undefined),
    async close() {
      server.server.off('upgrade', onUpgrade);
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await (await listening)?.close();
    },
  };
}
