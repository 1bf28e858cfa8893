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

/** A running listener; `close()` stops hearing its channel (the last one to close ends the connection). */
export interface NotificationListener {
  close(): Promise<void>;
}

/** First wait before reconnecting, doubled after each failed attempt up to {@link RECONNECT_MAX_MS}. */
const RECONNECT_FIRST_MS = 100;
const RECONNECT_MAX_MS = 5000;

/**
 * The one statement that listens to every channel, in a stable order: a connection's last statement in
 * pg_stat_activity names all it listens to (LISTEN on a channel already listened to changes nothing).
 */
export function listenStatement(channels: Iterable<string>): string {
  return [...channels]
    .sort()
    .map((channel) => `listen ${channel}`)
    .join('; ');
}

/**
 * Every PostgreSQL notification channel a process listens to (the web chat's streams, the outbox's dispatcher), on
 * ONE dedicated connection: LISTEN holds its session, so it cannot use the pool's connections, and one per channel
 * would cost each instance a connection per feature. A lost connection (a restarted server, a terminated backend, a
 * network cut) is reopened with backoff and listens to every channel again, then each owner's `onResumed` tells it
 * it may have missed notifications.
 *
 * Connection work (connect, LISTEN, UNLISTEN) runs one step at a time, so a channel added while the connection is
 * being opened is never left out. The connection is opened by the first listener and ended with the last.
 */
export class NotificationHub {
  private readonly channels = new Map<string, Set<NotificationHandlers>>();
  private client: Client | null = null;
  private retry: NodeJS.Timeout | undefined;
  private delayMs = RECONNECT_FIRST_MS;
  /** An attempt to connect ended already: a later successful one follows a time without listening. */
  private attempted = false;
  private steps: Promise<void> = Promise.resolve();

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {}

  /**
   * Listens to `channel`. Resolves once it is listened to, or once an attempt to connect failed (it keeps retrying in
   * the background): the app starts either way, and what relies on it re-reads on its timer until it is back.
   */
  async listen(channel: string, handlers: NotificationHandlers): Promise<NotificationListener> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`invalid notification channel name: ${channel}`);
    const owners = this.channels.get(channel) ?? new Set<NotificationHandlers>();
    owners.add(handlers);
    this.channels.set(channel, owners);
    await this.step(async () => {
      const open = this.client;
      if (open) {
        try {
          await open.query(listenStatement(this.channels.keys()));
        } catch (error) {
          // A broken connection: ending it reconnects, and the new connection listens to every channel.
          this.logger.warn({ err: error, channel }, 'notification listener could not listen; reconnecting');
          await open.end().catch(() => undefined);
        }
      } else if (!this.retry) await this.connect();
    });
    let closed = false;
    return {
      close: async () => {
        if (closed) return;
        closed = true;
        await this.unlisten(channel, handlers);
      },
    };
  }

  private async unlisten(channel: string, handlers: NotificationHandlers): Promise<void> {
    const owners = this.channels.get(channel);
    owners?.delete(handlers);
    if (owners?.size === 0) this.channels.delete(channel);
    await this.step(async () => {
      if (this.channels.size === 0) {
        clearTimeout(this.retry);
        this.retry = undefined;
        this.attempted = false;
        this.delayMs = RECONNECT_FIRST_MS;
        const open = this.client;
        this.client = null;
        await open?.end().catch(() => undefined);
      } else if (this.client && !this.channels.has(channel)) {
        await this.client.query(`unlisten ${channel}`).catch(() => undefined);
      }
    });
  }

  private step(work: () => Promise<void>): Promise<void> {
    const run = this.steps.then(work);
    this.steps = run.catch(() => undefined);
    return run;
  }

  private scheduleReconnect(): void {
    if (this.channels.size === 0 || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.step(async () => {
        if (!this.client && this.channels.size > 0) await this.connect();
      });
    }, this.delayMs);
    this.retry.unref();
    this.delayMs = Math.min(this.delayMs * 2, RECONNECT_MAX_MS);
  }

  private async connect(): Promise<void> {
    const candidate = new Client({
      connectionString: this.url,
      application_name: LISTENER_APPLICATION_NAME,
      keepAlive: true,
    });
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (this.client === candidate) this.client = null;
      candidate.removeAllListeners('notification');
      // The client may still hold its socket after an error: end it, whatever state it is in.
      candidate.end().catch(() => undefined);
      if (this.channels.size === 0) return;
      this.logger.warn(
        { err: error, channels: [...this.channels.keys()] },
        'notification listener lost its connection; reconnecting',
      );
      this.scheduleReconnect();
    };
    candidate.on('error', onLost);
    candidate.on('end', () => onLost());
    candidate.on('notification', (message) => {
      for (const owner of this.channels.get(message.channel) ?? []) owner.onNotification(message.payload ?? '');
    });
    const resumed = this.attempted;
    this.attempted = true;
    try {
      await candidate.connect();
      await candidate.query(listenStatement(this.channels.keys()));
    } catch (error) {
      onLost(error as Error);
      return;
    }
    if (this.channels.size === 0) {
      await candidate.end().catch(() => undefined);
      return;
    }
    this.client = candidate;
    this.delayMs = RECONNECT_FIRST_MS;
    if (resumed) {
      this.logger.info({ channels: [...this.channels.keys()] }, 'notification listener reconnected');
      for (const owners of this.channels.values()) for (const owner of owners) owner.onResumed();
    }
  }
}
