import type { ConversationOwner, ConversationsRepository, SubscribedAddress, TurnStart } from './conversations.repository';

export type { StoredConversation, TurnStart } from './conversations.repository';

/**
 * Persisted conversation state: the root machine's snapshot per (channel, conversation), saved with optimistic
 * concurrency so two turns racing on one conversation never lose an update (the loser retries its turn).
 */
export class ConversationStore {
  constructor(private readonly conversations: ConversationsRepository) {}

  /**
   * The stored conversation and the citizen the channel account is linked to (active accounts only), in one round
   * trip: every bot turn starts here.
   */
  load(channel: string, conversationId: string, channelUserId: string): Promise<TurnStart> {
    return this.conversations.load(channel, conversationId, channelUserId);
  }

  /**
   * Saves a snapshot (as JSON text) if nobody else saved since `expectedVersion` was read (0 = the conversation is
   * new). Returns false on a conflict: the caller reloads and runs its turn again.
   */
  save(
    channel: string,
    conversationId: string,
    json: string,
    expectedVersion: number,
    owner: ConversationOwner,
  ): Promise<boolean> {
    if (expectedVersion === 0) return this.conversations.insert(channel, conversationId, json, owner);
    return this.conversations.update(channel, conversationId, json, expectedVersion, owner);
  }
}

type ReplyAddresses = SubscribedAddress[];

/** A caller of `addressesOf` waiting for the next read. */
interface Waiter {
  resolve(addresses: ReplyAddresses): void;
  reject(error: unknown): void;
}

/** Opt-in to proactive notifications, per conversation, with the channel's opaque reply address. */
export class NotificationSubscriptions {
  constructor(private readonly conversations: ConversationsRepository) {}

  /**
   * Turns notifications on (storing where to write) or off for a conversation, on behalf of the citizen its channel
   * account `channelUserId` is linked to (the caller resolved the link). Works in the conversation's first turn too,
   * before anything else of it is stored.
   */
  set(
    channel: string,
    conversationId: string,
    channelUserId: string,
    userId: string,
    on: boolean,
    replyAddress: unknown,
  ): Promise<boolean> {
    return this.conversations.setNotifications(channel, conversationId, channelUserId, userId, on, replyAddress);
  }

  /** Look-ups waiting for the one in flight to return, by citizen. */
  private waiting = new Map<string, Waiter[]>();
  private reading = false;

  /**
   * Where to notify a citizen: the reply addresses of the conversations that opted in. Runs for every recharge and
   * block (most citizens have no subscription), so it must not cost a round trip each: one read is in flight at a
   * time, and the look-ups asked for meanwhile wait and go together in the next one (one prepared read for all of
   * them). Alone, a look-up is one read as before; under load, the recharges' look-ups share reads instead of adding a
   * third round trip to each. Each answer is as fresh as a read issued when it was asked for, or later.
   */
  addressesOf(userId: string): Promise<ReplyAddresses> {
    return new Promise((resolve, reject) => {
      const list = this.waiting.get(userId) ?? [];
      list.push({ resolve, reject });
      this.waiting.set(userId, list);
      if (!this.reading) void this.readWaiting();
    });
  }

  /** Reads the addresses of every waiting citizen in one statement, then again while look-ups arrived meanwhile. */
  private async readWaiting(): Promise<void> {
    this.reading = true;
    try {
      while (this.waiting.size > 0) {
        const batch = this.waiting;
        this.waiting = new Map();
        try {
          const found = await this.conversations.subscribedAddresses([...batch.keys()]);
          for (const [userId, waiters] of batch) for (const w of waiters) w.resolve(found.get(userId) ?? []);
        } catch (error) {
          for (const waiters of batch.values()) for (const w of waiters) w.reject(error);
        }
      }
    } finally {
      this.reading = false;
    }
  }
}
