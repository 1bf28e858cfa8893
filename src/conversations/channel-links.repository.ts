import { Repository, type Tx } from '../db/repository';
import { newId } from '../shared/ids';

/** A channel account linked to a citizen. */
export interface LinkedChannel {
  id: string;
  /** The channel key (`whatsapp:whatsapp`, `botframework:msteams`...). */
  channel: string;
  channelUserId: string;
  linkedAt: Date;
}

/** A channel account: its channel key and its user id there. */
export interface ChannelAccount {
  channel: string;
  channelUserId: string;
}

/**
 * Channel accounts linked to citizens (`channel_links`): at most one citizen per (channel, channel user). Owner filters
 * come from the link's access rule (`ownerId`; null means any owner).
 */
export class ChannelLinksRepository extends Repository {
  /** Links the channel account to `userId` (replacing an earlier citizen's link); returns when it was linked. */
  async link(tx: Tx, account: ChannelAccount, userId: string): Promise<Date> {
    const row = await this.row<{ created_at: Date | string }>(
      `insert into channel_links (id, channel, channel_user_id, user_id) values (?, ?, ?, ?)
       on conflict (channel, channel_user_id) do update set user_id = excluded.user_id, created_at = now()
       returning created_at`,
      [newId(), account.channel, account.channelUserId, userId],
      tx,
    );
    return new Date(row!.created_at);
  }

  /** The channel accounts linked to the citizen, oldest first. */
  async listOf(userId: string, tx?: Tx): Promise<LinkedChannel[]> {
    const rows = await this.rows<{ id: string; channel: string; channel_user_id: string; created_at: Date | string }>(
      'select id, channel, channel_user_id, created_at from channel_links where user_id = ? order by created_at, id',
      [userId],
      tx,
    );
    return rows.map((row) => ({
      id: row.id,
      channel: row.channel,
      channelUserId: row.channel_user_id,
      linkedAt: new Date(row.created_at),
    }));
  }

  /** Removes one link if it is the owner's; returns its channel account, or null when nothing matched. */
  async removeOwned(tx: Tx, id: string, ownerId: string | null): Promise<ChannelAccount | null> {
    const row = await this.row<{ channel: string; channel_user_id: string }>(
      'delete from channel_links where id = ? and user_id = coalesce(?::uuid, user_id) returning channel, channel_user_id',
      [id, ownerId],
      tx,
    );
    return row ? { channel: row.channel, channelUserId: row.channel_user_id } : null;
  }

  /** Removes the link of a channel account; returns the citizen it was linked to, or null when there was none. */
  async removeAccount(tx: Tx, account: ChannelAccount): Promise<string | null> {
    const row = await this.row<{ user_id: string }>(
      'delete from channel_links where channel = ? and channel_user_id = ? returning user_id',
      [account.channel, account.channelUserId],
      tx,
    );
    return row?.user_id ?? null;
  }

  /** LGPD erasure: every link of the citizen. */
  async deleteAllOf(tx: Tx, userId: string): Promise<void> {
    await this.run('delete from channel_links where user_id = ?', [userId], tx);
  }
}
