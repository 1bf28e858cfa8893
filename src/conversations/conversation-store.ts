import type { ConversationOwner, ConversationsRepository, TurnStart } from './conversations.repository';

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

/** Opt-in to proactive notifications, per conversation, with the channel's opaque reply address. */
export class NotificationSubscriptions {
  constructor(private readonly conversations: ConversationsRepository) {}

  /**
   * Turns notifications on (storing where to write) or off for a conversation, on behalf of the citizen its channel
   * account is linked to (the caller resolved the link). Returns false when the conversation is not stored yet.
   */
  set(channel: string, conversationId: string, userId: string, on: boolean, replyAddress: unknown): Promise<boolean> {
    return this.conversations.setNotifications(channel, conversationId, userId, on, replyAddress);
  }

  /**
   * Where to notify a citizen: the reply addresses of the conversations that opted in. Runs for every recharge and
   * block (most citizens have no subscription): one prepared read on the connection.
   */
  addressesOf(userId: string): Promise<Array<{ channel: string; replyAddress: unknown }>> {
    return this.conversations.subscribedAddresses(userId);
  }
}
