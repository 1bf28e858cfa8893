import { RequestContext } from '@mikro-orm/core';
import { outsideUnitOfWork } from '../db/request-context';
import type { EntityManager } from '../db/orm';
import type { Clock } from '../shared/clock';
import type { DomainEvent, StoredEvent } from '../shared/domain-events';
import type { Logger } from '../shared/logger';
import { currentTraceContext, tracedLinked } from '../shared/telemetry';
import { deliveryKey, type OutboxRepository } from './outbox.repository';

/** One conversation that opted in to notifications: its channel key, its id there and the stored reply address. */
export interface NoticeAddress {
  channel: string;
  conversationId: string;
  replyAddress: unknown;
}

/**
 * What a channel did with a notice: `sent` (accepted: recorded in the delivery log), `not-sent` (the channel cannot
 * carry it and never will: a web chat conversation that was purged, WhatsApp outside its window without a template;
 * logged, not retried) or `failed` (try again later).
 */
export type NoticeOutcome = 'sent' | 'not-sent' | 'failed';

/**
 * The port through which notices leave: the bot edge implements it (each channel's rules and texts) and the
 * composition root passes it in. `now` is the app's clock (WhatsApp's 24-hour window is measured against it).
 */
export interface NoticeSender {
  send(event: DomainEvent, to: NoticeAddress, now: Date): Promise<NoticeOutcome>;
}

/** Where a citizen's opted-in conversations are found (NotificationSubscriptions). */
export interface NoticeAddresses {
  addressesOf(userId: string): Promise<NoticeAddress[]>;
}

export interface DispatcherSettings {
  /** How long a run's claim on an event lasts (NOTIFICATIONS_CLAIM_SECONDS). */
  claimSeconds: number;
  /** Test only: never dispatch (NOTIFICATIONS_TEST_HOLD_DISPATCH). */
  hold: boolean;
}

/** Events claimed per round trip. */
const BATCH = 20;
/** At most this many requests' spans are linked from one run (under load, many commits wake one run). */
const MAX_LINKS = 32;

/**
 * Delivers the outbox's events to every conversation of the citizen that opted in, at least once. Each accepted
 * notice is recorded in the delivery log (event, channel, address) right after the channel accepted it, and an event
 * taken again skips the addresses already recorded: a crash between a channel's acceptance and that record is the one
 * case that repeats a message. An event is dispatched when every address accepted it or cannot take it; one whose
 * channel failed stays claimed until its claim ends, and the next run (the sweep, or the next wake) tries the rest.
 *
 * An event made from a conversation (a document saved in the chat: its `origin`) is not sent back to that
 * conversation, which showed its confirmation already; the citizen's other conversations get it.
 *
 * Runs of one instance follow each other; several instances share the work through the claims (SKIP LOCKED).
 */
export class NotificationDispatcher {
  private queue: Promise<unknown> = Promise.resolve();
  /** A run is queued and has not started: another wake needs no run of its own. */
  private queued = false;
  /** The spans that asked for the next run (the requests whose commits woke it): its span links to them. */
  private origins: Record<string, string>[] = [];

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly addresses: NoticeAddresses,
    private readonly sender: NoticeSender,
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly settings: DispatcherSettings,
  ) {}

  /** Starts a run in the background (after a commit, a notification from another instance, at start-up). */
  kick(): void {
    if (this.queued) return;
    this.queued = true;
    this.dispatchPending().catch((error: unknown) => this.logger.warn({ err: error }, 'notification dispatch failed'));
  }

  /**
   * Dispatches every pending event this instance can claim, and resolves to how many it finished; when it resolves,
   * every run asked for before has finished (the sweep job, tests).
   *
   * A run is a trace of its own (`notifications dispatch`), linked to the spans that asked for it: its statements are
   * background work, not part of the request whose commit woke it (nor of the next request's, which it may outlast).
   */
  dispatchPending(): Promise<number> {
    const origin = currentTraceContext();
    if (origin && this.origins.length < MAX_LINKS) this.origins.push(origin);
    const run = this.queue.then(() => {
      this.queued = false;
      const origins = this.origins;
      this.origins = [];
      return tracedLinked('notifications dispatch', {}, origins, async (span) => {
        const finished = await outsideUnitOfWork(() => RequestContext.create(this.em, () => this.runUntilEmpty()));
        span.setAttribute('app.notifications.dispatched', finished);
        return finished;
      });
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves when no run of this instance is in progress (before the database closes). */
  async idle(): Promise<void> {
    await this.queue;
  }

  private async runUntilEmpty(): Promise<number> {
    if (this.settings.hold) return 0;
    let finished = 0;
    for (;;) {
      const claimed = await this.outbox.claimPending(BATCH, this.settings.claimSeconds);
      for (const stored of claimed) if (await this.deliver(stored)) finished += 1;
      if (claimed.length < BATCH) return finished;
    }
  }

  /** Delivers one event to each subscribed address not in its delivery log; true when the event is done. */
  private async deliver({ id, event }: StoredEvent): Promise<boolean> {
    const origin = 'origin' in event ? event.origin : undefined;
    const addresses = (await this.addresses.addressesOf(event.userId)).filter(
      (address) => !(origin && address.channel === origin.channel && address.conversationId === origin.conversationId),
    );
    const delivered = addresses.length > 0 ? await this.outbox.deliveredTo(id) : new Set<string>();
    let complete = true;
    for (const address of addresses) {
      if (delivered.has(deliveryKey(address.channel, address.conversationId))) continue;
      let outcome: NoticeOutcome;
      try {
        outcome = await this.sender.send(event, address, this.clock.now());
      } catch (error) {
        this.logger.warn({ err: error, event: event.type, channel: address.channel }, 'notice not sent');
        outcome = 'failed';
      }
      if (outcome === 'sent') await this.outbox.recordDelivery(id, address.channel, address.conversationId);
      else if (outcome === 'failed') complete = false;
      else this.logger.info({ event: event.type, channel: address.channel }, 'notice cannot be carried by this channel');
    }
    if (complete) await this.outbox.markDispatched(id);
    return complete;
  }
}
