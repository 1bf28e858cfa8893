import { Repository, type Tx } from '../db/repository';
import { newId } from '../shared/ids';

/** `linked`: a channel account was linked to the citizen. `removed`: a link was removed for security (a migration). */
export type ChannelNoticeKind = 'linked' | 'removed';

/** A notice to send, with the citizen's address and name. */
export interface PendingNotice {
  id: string;
  kind: ChannelNoticeKind;
  channel: string;
  /** The channel user, masked. */
  channelUser: string;
  linkedAt: Date;
  email: string;
  fullName: string;
}

/**
 * The outbox of channel link e-mails (`channel_link_notices`): rows written in the same transaction as the change,
 * claimed by one sender at a time (any instance), marked sent once sent.
 */
export class ChannelLinkNoticesRepository extends Repository {
  /** Adds a notice inside the caller's transaction (`channelUser` already masked). */
  async insert(
    tx: Tx,
    notice: { userId: string; kind: ChannelNoticeKind; channel: string; channelUser: string; linkedAt: Date },
  ): Promise<void> {
    await this.run(
      `insert into channel_link_notices (id, user_id, kind, channel, channel_user, linked_at) values (?, ?, ?, ?, ?, ?)`,
      [newId(), notice.userId, notice.kind, notice.channel, notice.channelUser, notice.linkedAt],
      tx,
    );
  }

  /**
   * Claims up to `limit` unsent notices of citizens with an e-mail, oldest first, for `claimMinutes`: rows claimed by
   * another sender are skipped (never waited for), and a claim that ran out is taken again (a crashed sender).
   */
  async claimPending(limit: number, claimMinutes: number): Promise<PendingNotice[]> {
    const rows = await this.rows<{
      id: string;
      kind: ChannelNoticeKind;
      channel: string;
      channel_user: string;
      linked_at: Date | string;
      email: string;
      full_name: string;
    }>(
      `with picked as (
         select n.id from channel_link_notices n join users u on u.id = n.user_id
          where n.sent_at is null and (n.claimed_until is null or n.claimed_until < now()) and u.email is not null
          order by n.created_at limit ? for update of n skip locked)
       update channel_link_notices n set claimed_until = now() + make_interval(mins => ?)
         from picked, users u
        where n.id = picked.id and u.id = n.user_id
        returning n.id, n.kind, n.channel, n.channel_user, n.linked_at, u.email, u.full_name`,
      [limit, claimMinutes],
    );
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      channel: row.channel,
      channelUser: row.channel_user,
      linkedAt: new Date(row.linked_at),
      email: row.email,
      fullName: row.full_name,
    }));
  }

  /** Marks a claimed notice sent. */
  async markSent(id: string): Promise<void> {
    await this.run('update channel_link_notices set sent_at = now() where id = ?', [id]);
  }

  /** LGPD erasure: the citizen's notices, sent or not. */
  async deleteAllOf(tx: Tx, userId: string): Promise<void> {
    await this.run('delete from channel_link_notices where user_id = ?', [userId], tx);
  }
}
