import type { EntityManager } from '../db/orm';
import { Throttle } from '../shared/throttle';
import type { AccountParticipant } from '../accounts/accounts.service';
import type { Actor } from '../accounts/policies';
import { hashToken } from '../accounts/tokens';
import { generateLinkCode, normaliseLinkCode } from './link-codes';

export interface LinkSettings {
  codeTtlMinutes: number;
  /** Failed `vincular` attempts per channel user before a lock. */
  maxFailuresPerUser: number;
  /** Failed attempts across all users before redemption is locked for everyone (stops distributed guessing). */
  maxFailuresOverall: number;
  lockSeconds: number;
  lockMaxSeconds: number;
}

export type RedeemOutcome =
  { ok: true; userId: string } | { ok: false; reason: 'invalid' | 'locked'; retryAfterSeconds?: number };

/**
 * Links channel accounts (a WhatsApp number, a Teams user, an Emulator user...) to citizens with one-time codes made in
 * the app. Failed attempts are limited per channel user and overall, so codes cannot be guessed.
 */
export class ChannelLinksService implements AccountParticipant {
  private readonly perUser: Throttle;
  private readonly overall: Throttle;

  constructor(
    private readonly em: EntityManager,
    private readonly settings: LinkSettings,
  ) {
    this.perUser = new Throttle({
      maxFailures: settings.maxFailuresPerUser,
      lockSeconds: settings.lockSeconds,
      lockMaxSeconds: settings.lockMaxSeconds,
    });
    this.overall = new Throttle({
      maxFailures: settings.maxFailuresOverall,
      lockSeconds: settings.lockSeconds,
      lockMaxSeconds: settings.lockMaxSeconds,
    });
  }

  /** A new one-time code for the caller (valid for the configured minutes); earlier unused codes stop working. */
  async createCode(actor: Actor): Promise<{ code: string; expiresAt: Date }> {
    const code = generateLinkCode();
    return this.em.transactional(async (em) => {
      await em.execute('update link_codes set used_at = now() where user_id = ? and used_at is null', [actor.id]);
      const rows = await em.execute<{ expires_at: Date | string }[]>(
        `insert into link_codes (code_hash, user_id, expires_at) values (?, ?, now() + make_interval(mins => ?)) returning expires_at`,
        [hashToken(code), actor.id, this.settings.codeTtlMinutes],
      );
      return { code, expiresAt: new Date(rows[0].expires_at) };
    });
  }

  /** Redeems a code typed in a channel: links (channel, channel user) to the code's citizen. */
  async redeem(channel: string, channelUserId: string, typed: string): Promise<RedeemOutcome> {
    const userKey = `link:${channel}:${channelUserId}`;
    const em = this.em.fork();
    const locked = Math.max(await this.perUser.secondsLocked(em, userKey), await this.overall.secondsLocked(em, 'link:overall'));
    if (locked > 0) return { ok: false, reason: 'locked', retryAfterSeconds: locked };
    const code = normaliseLinkCode(typed);
    const userId = code
      ? await em.transactional(async (tem) => {
          const rows = await tem.execute<{ user_id: string }[]>(
            `update link_codes set used_at = now()
              where code_hash = ? and used_at is null and expires_at > now()
              returning user_id`,
            [hashToken(code)],
          );
          const found = rows[0]?.user_id;
          if (!found) return null;
          await tem.execute(
            `insert into channel_links (channel, channel_user_id, user_id) values (?, ?, ?)
             on conflict (channel, channel_user_id) do update set user_id = excluded.user_id, created_at = now()`,
            [channel, channelUserId, found],
          );
          return found;
        })
      : null;
    if (!userId) {
      const lock = Math.max(await this.perUser.fail(em, userKey), await this.overall.fail(em, 'link:overall'));
      return lock > 0 ? { ok: false, reason: 'locked', retryAfterSeconds: lock } : { ok: false, reason: 'invalid' };
    }
    await this.perUser.reset(em, userKey);
    return { ok: true, userId };
  }

  /**
   * Removes the link of a channel account (`desvincular`) and switches off the notices its conversations were getting:
   * an unlinked account (a shared phone, a former employee's Teams) must not keep receiving a citizen's card events.
   * Returns whether there was a link.
   */
  async unlink(channel: string, channelUserId: string): Promise<boolean> {
    return this.em.transactional(async (em) => {
      const rows = await em.execute<{ user_id: string }[]>(
        'delete from channel_links where channel = ? and channel_user_id = ? returning user_id',
        [channel, channelUserId],
      );
      await em.execute(
        'update conversations set notify = false, reply_address = null where channel = ? and channel_user_id = ? and notify',
        [channel, channelUserId],
      );
      return rows.length > 0;
    });
  }

  /**
   * LGPD erasure: links, codes, conversation snapshots, web chat transcripts, files attached in the chat and the
   * WhatsApp contact record.
   */
  async onErased(em: EntityManager, userId: string): Promise<void> {
    await em.execute(
      `delete from bot_staged_files f using conversations c
        where c.user_id = ? and f.channel = c.channel and f.conversation_id = c.conversation_id`,
      [userId],
    );
    await em.execute(
      `delete from whatsapp_contacts where wa_id in (select channel_user_id from channel_links where channel = 'whatsapp' and user_id = ?)`,
      [userId],
    );
    await em.execute('delete from conversations where user_id = ?', [userId]);
    // Web chat transcripts (their activities go with them).
    await em.execute('delete from directline_conversations where citizen_id = ?', [userId]);
    await em.execute('delete from channel_links where user_id = ?', [userId]);
    await em.execute('delete from link_codes where user_id = ?', [userId]);
  }
}
