import { BatchedRead } from '../db/batched-read';
import { prepared } from '../db/prepared';
import { Repository, type Tx } from '../db/repository';

/** A stored conversation: the root machine's snapshot, its version, and who its last saved turn belonged to. */
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

/** Where a saved turn's conversation belongs: its channel account and the citizen linked to it then. */
export interface ConversationOwner {
  channelUserId: string;
  userId: string | null;
}

const LOAD = prepared(
  'conversation_load',
  `select c.snapshot, c.version, c.updated_at, c.channel_user_id, c.user_id,
          (select l.user_id from channel_links l join users u on u.id = l.user_id
            where l.channel = ? and l.channel_user_id = ? and u.status = 'active') as linked_user_id
     from (select 1) as one
     left join conversations c on c.channel = ? and c.conversation_id = ?`,
);
// The same read for the turns that start in the same turn of the event loop (see `load`): `i` is each one's place.
const LOAD_MANY = prepared(
  'conversation_load_many',
  `select k.i, c.snapshot, c.version, c.updated_at, c.channel_user_id, c.user_id,
          (select l.user_id from channel_links l join users u on u.id = l.user_id
            where l.channel = k.channel and l.channel_user_id = k.channel_user_id and u.status = 'active') as linked_user_id
     from jsonb_to_recordset(?::jsonb) as k(i int, channel text, conversation_id text, channel_user_id text)
     left join conversations c on c.channel = k.channel and c.conversation_id = k.conversation_id`,
);
// A row at version 0 holds only an opt-in to notifications made in the conversation's first turn (see
// `setNotifications`): the turn's first save takes it over, keeping the opt-in; a row with a snapshot is never replaced.
const INSERT = prepared(
  'conversation_insert',
  `insert into conversations (channel, conversation_id, snapshot, version, channel_user_id, user_id)
   values (?, ?, ?::jsonb, 1, ?, ?)
   on conflict (channel, conversation_id) do update
     set snapshot = excluded.snapshot, version = 1, updated_at = now(),
         channel_user_id = excluded.channel_user_id, user_id = excluded.user_id
     where conversations.version = 0
   returning version`,
);
const UPDATE = prepared(
  'conversation_update',
  `update conversations set snapshot = ?::jsonb, version = version + 1, updated_at = now(), channel_user_id = ?, user_id = ?
    where channel = ? and conversation_id = ? and version = ? returning version`,
);
const SUBSCRIBED = prepared(
  'conversation_subscribed',
  `select user_id, channel, conversation_id, reply_address from conversations
    where user_id in (select value::uuid from jsonb_array_elements_text(?::jsonb)) and notify and reply_address is not null`,
);

/** A conversation that opted in to notifications: where to write (the reply address is the channel's own). */
export interface SubscribedAddress {
  channel: string;
  conversationId: string;
  replyAddress: unknown;
}

/** Which conversation a turn loads, through which channel account. */
interface TurnKey {
  channel: string;
  conversationId: string;
  channelUserId: string;
}

/** A row of the turn's load (LOAD, LOAD_MANY). */
interface LoadRow {
  snapshot: unknown;
  version: number | null;
  updated_at: Date | string | null;
  channel_user_id: string | null;
  user_id: string | null;
  linked_user_id: string | null;
}

/** What a turn starts from, out of its load's row (no row: nothing stored, no link). */
function turnStartOf(row: LoadRow | undefined): TurnStart {
  const linkedUserId = row?.linked_user_id ?? null;
  // Version 0: no turn saved yet, only an opt-in to notifications (see `setNotifications`); the conversation is new.
  if (!row || row.version === null || Number(row.version) === 0) return { conversation: null, linkedUserId };
  return {
    conversation: {
      snapshot: jsonOf(row.snapshot),
      version: Number(row.version),
      updatedAt: new Date(row.updated_at!),
      channelUserId: row.channel_user_id,
      userId: row.user_id,
    },
    linkedUserId,
  };
}

/** A jsonb column as the drivers return it: parsed already, or as text. */
function jsonOf(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
}

/**
 * Persisted conversations (`conversations`), one row per (channel, conversation): the root machine's snapshot with a
 * version for optimistic concurrency, and the opt-in to proactive notifications with the channel's reply address.
 *
 * The turn's reads and writes (`load`, `insert`, `update`, `subscribedAddresses`) are prepared statements straight on
 * the connection: every bot turn runs them, they need no identity map and never run inside a transaction.
 */
export class ConversationsRepository extends Repository {
  /**
   * The stored conversation and the citizen the channel account is linked to (active accounts only), in one round
   * trip: every bot turn starts here, so it is the hottest read of the bot. Turns that start together share it.
   */
  load(channel: string, conversationId: string, channelUserId: string): Promise<TurnStart> {
    return this.loads.get({ channel, conversationId, channelUserId });
  }

  /** Turn starts asked for in the same turn of the event loop are read in one statement (src/db/batched-read.ts). */
  private readonly loads = new BatchedRead<TurnKey, TurnStart>(
    async ({ channel, conversationId, channelUserId }) =>
      turnStartOf((await this.prepared<LoadRow>(LOAD, [channel, channelUserId, channel, conversationId]))[0]),
    async (keys) => {
      const rows = await this.prepared<LoadRow & { i: number }>(LOAD_MANY, [
        JSON.stringify(
          keys.map((key, i) => ({
            i,
            channel: key.channel,
            conversation_id: key.conversationId,
            channel_user_id: key.channelUserId,
          })),
        ),
      ]);
      const byPlace = new Map(rows.map((row) => [Number(row.i), row]));
      return keys.map((_, i) => turnStartOf(byPlace.get(i)));
    },
  );

  /** Stores a new conversation at version 1; false when another turn stored it first. */
  async insert(channel: string, conversationId: string, json: string, owner: ConversationOwner): Promise<boolean> {
    const rows = await this.prepared(INSERT, [channel, conversationId, json, owner.channelUserId, owner.userId]);
    return rows.length === 1;
  }

  /** Stores a snapshot over version `expectedVersion`; false when another turn saved a newer one first. */
  async update(
    channel: string,
    conversationId: string,
    json: string,
    expectedVersion: number,
    owner: ConversationOwner,
  ): Promise<boolean> {
    const rows = await this.prepared(UPDATE, [json, owner.channelUserId, owner.userId, channel, conversationId, expectedVersion]);
    return rows.length === 1;
  }

  /**
   * Turns notifications on (storing where to write) or off for a conversation, on behalf of `userId`, for the channel
   * account `channelUserId`. "ativar avisos" may be the very first message of a conversation, before any turn was
   * saved: the row is then created at version 0 with no snapshot, and the turn's first save takes it over (see INSERT).
   */
  async setNotifications(
    channel: string,
    conversationId: string,
    channelUserId: string,
    userId: string,
    on: boolean,
    replyAddress: unknown,
  ): Promise<boolean> {
    const address = on ? JSON.stringify(replyAddress ?? null) : null;
    const rows = await this.rows(
      `insert into conversations (channel, conversation_id, snapshot, version, channel_user_id, user_id, notify, reply_address)
       values (?, ?, 'null'::jsonb, 0, ?, ?, ?, ?::jsonb)
       on conflict (channel, conversation_id) do update
         set notify = excluded.notify, reply_address = excluded.reply_address, user_id = excluded.user_id
       returning notify`,
      [channel, conversationId, channelUserId, userId, on, address],
    );
    return rows.length > 0;
  }

  /** The reply addresses of the conversations that opted in to notifications, of any of these citizens, by citizen. */
  async subscribedAddresses(userIds: string[]): Promise<Map<string, SubscribedAddress[]>> {
    const rows = await this.prepared<{ user_id: string; channel: string; conversation_id: string; reply_address: unknown }>(
      SUBSCRIBED,
      [
        // The ids as one JSON text: both drivers (pg and the embedded PGlite) pass it alike, where an array is not.
        JSON.stringify(userIds),
      ],
    );
    const byUser = new Map<string, SubscribedAddress[]>();
    for (const row of rows) {
      const list = byUser.get(row.user_id) ?? [];
      list.push({ channel: row.channel, conversationId: row.conversation_id, replyAddress: jsonOf(row.reply_address) });
      byUser.set(row.user_id, list);
    }
    return byUser;
  }

  /** Switches off the notices of every conversation of a channel account (it was unlinked). */
  async stopNotices(tx: Tx, channel: string, channelUserId: string): Promise<void> {
    await this.run(
      'update conversations set notify = false, reply_address = null where channel = ? and channel_user_id = ? and notify',
      [channel, channelUserId],
      tx,
    );
  }

  /** LGPD erasure: the citizen's conversation snapshots. */
  async deleteAllOf(tx: Tx, userId: string): Promise<void> {
    await this.run('delete from conversations where user_id = ?', [userId], tx);
  }
}
