import type { EntityManager } from '../db/orm';
import { prepared, runPrepared } from '../db/prepared';

export interface StoredConversation {
  snapshot: unknown;
  version: number;
  updatedAt: Date;
  /** The channel account and citizen the last saved turn belonged to. */
  channelUserId: string | null;
  userId: string | null;
}

/** What a turn starts from: the stored conversation (null = new) and the citizen its channel account is linked to now. */
export interface TurnStart {
  conversation: StoredConversation | null;
  linkedUserId: string | null;
}

const LOAD = prepared(
  'conversation_load',
  `select c.snapshot, c.version, c.updated_at, c.channel_user_id, c.user_id,
          (select l.user_id from channel_links l join users u on u.id = l.user_id
            where l.channel = ? and l.channel_user_id = ? and u.status = 'active') as linked_user_id
     from (select 1) as one
     left join conversations c on c.channel = ? and c.conversation_id = ?`,
);
const INSERT = prepared(
  'conversation_insert',
  `insert into conversations (channel, conversation_id, snapshot, version, channel_user_id, user_id)
   values (?, ?, ?::jsonb, 1, ?, ?) on conflict (channel, conversation_id) do nothing returning version`,
);
const UPDATE = prepared(
  'conversation_update',
  `update conversations set snapshot = ?::jsonb, version = version + 1, updated_at = now(), channel_user_id = ?, user_id = ?
    where channel = ? and conversation_id = ? and version = ? returning version`,
);
const SUBSCRIBED = prepared(
  'conversation_subscribed',
  `select channel, reply_address from conversations where user_id = ? and notify and reply_address is not null`,
);

/**
 * Persisted conversation state: the root machine's snapshot per (channel, conversation), saved with optimistic
 * concurrency so two turns racing on one conversation never lose an update (the loser retries its turn).
 */
export class ConversationStore {
  constructor(private readonly em: EntityManager) {}

  /**
   * The stored conversation and the citizen the channel account is linked to (active accounts only), in one round
   * trip: every bot turn starts here, so it is the hottest read of the bot. Like `save`, it goes straight to the
   * connection: neither needs an identity map nor ever runs inside a transaction.
   */
  async load(channel: string, conversationId: string, channelUserId: string): Promise<TurnStart> {
    const rows = await runPrepared<{
      snapshot: unknown;
      version: number | null;
      updated_at: Date | string | null;
      channel_user_id: string | null;
      user_id: string | null;
      linked_user_id: string | null;
    }>(this.em, LOAD, [channel, channelUserId, channel, conversationId]);
    const row = rows[0];
    const linkedUserId = row?.linked_user_id ?? null;
    if (!row || row.version === null) return { conversation: null, linkedUserId };
    const snapshot = typeof row.snapshot === 'string' ? (JSON.parse(row.snapshot) as unknown) : row.snapshot;
    return {
      conversation: {
        snapshot,
        version: Number(row.version),
        updatedAt: new Date(row.updated_at!),
        channelUserId: row.channel_user_id,
        userId: row.user_id,
      },
      linkedUserId,
    };
  }

  /**
   * Saves a snapshot (as JSON text) if nobody else saved since `expectedVersion` was read (0 = the conversation is
   * new). Returns false on a conflict: the caller reloads and runs its turn again.
   */
  async save(
    channel: string,
    conversationId: string,
    json: string,
    expectedVersion: number,
    owner: { channelUserId: string; userId: string | null },
  ): Promise<boolean> {
    if (expectedVersion === 0) {
      const rows = await runPrepared(this.em, INSERT, [channel, conversationId, json, owner.channelUserId, owner.userId]);
      return rows.length === 1;
    }
    const rows = await runPrepared(this.em, UPDATE, [
      json,
      owner.channelUserId,
      owner.userId,
      channel,
      conversationId,
      expectedVersion,
    ]);
    return rows.length === 1;
  }
}

/** Opt-in to proactive notifications, per conversation, with the channel's opaque reply address. */
export class NotificationSubscriptions {
  constructor(private readonly em: EntityManager) {}

  /**
   * Turns notifications on (storing where to write) or off for a conversation, on behalf of the citizen its channel
   * account is linked to (the caller resolved the link). Returns false when the conversation is not stored yet.
   */
  async set(channel: string, conversationId: string, userId: string, on: boolean, replyAddress: unknown): Promise<boolean> {
    const rows = await this.em.execute<{ notify: boolean }[]>(
      `update conversations set notify = ?, reply_address = ?::jsonb, user_id = ?
        where channel = ? and conversation_id = ? returning notify`,
      [on, on ? JSON.stringify(replyAddress ?? null) : null, userId, channel, conversationId],
    );
    return rows.length > 0;
  }

  /** Where to notify a citizen: the reply addresses of the conversations that opted in. */
  async addressesOf(userId: string): Promise<Array<{ channel: string; replyAddress: unknown }>> {
    // Runs for every recharge and block (most citizens have no subscription): one read on the connection, no fork.
    const rows = await runPrepared<{ channel: string; reply_address: unknown }>(this.em, SUBSCRIBED, [userId]);
    return rows.map((row) => ({
      channel: row.channel,
      replyAddress: typeof row.reply_address === 'string' ? (JSON.parse(row.reply_address) as unknown) : row.reply_address,
    }));
  }
}
