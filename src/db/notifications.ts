import { Client } from 'pg';
import type { Logger } from '../shared/logger';

/** `application_name` of every listening connection: operators (and the fault tests) find it in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'carteira-listener';

/** What a listener does with what it hears. */
export interface NotificationHandlers {
  /** One NOTIFY's payload on the channel. */
  onNotification(payload: string): void;
  /**
   * The channel is listened to again after the connection was lost: anything notified in between was missed, so the
   * listener's owner re-reads what it watches.
   */
  onResumed(): void;
}

/** A running listener; `close()` ends its connection and stops reconnecting. */
export interface NotificationListener {
  close(): Promise<void>;
}

/** First wait before reconnecting, doubled after each failed attempt up to {@link RECONNECT_MAX_MS}. */
const RECONNECT_FIRST_MS = 100;
const RECONNECT_MAX_MS = 5000;

/**
 * Listens to one PostgreSQL notification channel on a dedicated connection (LISTEN holds its session: it cannot share
 * the pool's connections). A lost connection (a restarted server, a terminated backend, a network cut) is reopened
 * with backoff and LISTENs again, then `onResumed` tells the owner it may have missed notifications.
 *
 * Resolves once the channel is listened to, or after the first attempt failed (it keeps retrying in the background):
 * the app starts either way, its streams then rely on their periodic re-read until the listener is back.
 */
export async function listenToChannel(
  url: string,
  channel: string,
  handlers: NotificationHandlers,
  logger: Logger,
): Promise<NotificationListener> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`invalid notification channel name: ${channel}`);
  let client: Client | null = null;
  let closed = false;
  /** False until the first attempt ended: a later successful attempt follows a time without listening. */
  let attempted = false;
  let delayMs = RECONNECT_FIRST_MS;
  let retry: NodeJS.Timeout | undefined;

  const scheduleReconnect = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, delayMs);
    retry.unref();
    delayMs = Math.min(delayMs * 2, RECONNECT_MAX_MS);
  };

  const connect = async (): Promise<void> => {
    const candidate = new Client({ connectionString: url, application_name: LISTENER_APPLICATION_NAME, keepAlive: true });
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (client === candidate) client = null;
      candidate.removeAllListeners('notification');
      // The client may still hold its socket after an error: end it, whatever state it is in.
      candidate.end().catch(() => undefined);
      if (closed) return;
      logger.warn({ err: error, channel }, 'notification listener lost its connection; reconnecting');
      scheduleReconnect();
    };
    candidate.on('error', onLost);
    candidate.on('end', () => onLost());
    candidate.on('notification', (message) => {
      if (message.channel === channel) handlers.onNotification(message.payload ?? '');
    });
    try {
      await candidate.connect();
      await candidate.query(`listen ${channel}`);
    } catch (error) {
      onLost(error as Error);
      return;
    }
    if (closed) {
      await candidate.end().catch(() => undefined);
      return;
    }
    client = candidate;
    delayMs = RECONNECT_FIRST_MS;
    if (attempted) {
      logger.info({ channel }, 'notification listener reconnected');
      handlers.onResumed();
    }
  };

  await connect();
  attempted = true;
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      const open = client;
      client = null;
      await open?.end().catch(() => undefined);
    },
  };
}
