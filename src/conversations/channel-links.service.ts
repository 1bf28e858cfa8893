import { createHash } from 'node:crypto';
import type { EntityManager } from '../db/orm';
import { Throttle } from '../shared/throttle';
import { ThrottlesRepository } from '../shared/throttles.repository';
import { DomainError } from '../shared/errors';
import { newId, isUuid } from '../shared/ids';
import type { AuditService } from '../shared/audit.service';
import type { RequestInfo } from '../shared/request-info';
import type { AccountParticipant } from '../accounts/accounts.service';
import type { Actor } from '../shared/access';
import { hashToken } from '../accounts/tokens';
import { WHATSAPP_CHANNEL_KEY, channelLabel } from './channel-key';
import type { ChannelLinkNotices } from './channel-link-notices';
import { codeSpaceOf, generateLinkCode, normaliseLinkCode } from './link-codes';

export interface LinkSettings {
  codeTtlMinutes: number;
  /** Failed `vincular` attempts per channel user before a lock. */
  maxFailuresPerUser: number;
  /** Failed attempts with codes of one code space (see codeSpaceOf) before that space is locked. */
  maxFailuresPerSpace: number;
  lockSeconds: number;
  lockMaxSeconds: number;
}

export type RedeemOutcome =
  | { ok: true; userId: string }
  /** `locked`: this channel user tried too often; `space-locked`: the code's space is under a guessing flood. */
  | { ok: false; reason: 'invalid' | 'locked' | 'space-locked'; retryAfterSeconds?: number };

/** A channel account linked to a citizen. */
export interface LinkedChannel {
  id: string;
  /** The channel key (`whatsapp:whatsapp`, `botframework:msteams`...). */
  channel: string;
  channelUserId: string;
  linkedAt: Date;
}

/** Longest throttle key the table holds; longer channel user ids are hashed into it. */
const MAX_THROTTLE_KEY = 300;
const SPACE_PREFIX = 'link-space:';

/**
 * Links channel accounts (a WhatsApp number, a Teams user, an Emulator user...) to citizens with one-time codes made in
 * the app, and lets citizens see and remove their links. Every new link is recorded as an e-mail notice to the citizen.
 *
 * Guessing is limited twice. Per channel user: a few failures lock that user. Per code space (codes sharing their
 * first character, 31 spaces): failures with codes of one space lock that space only, and new codes are issued in
 * spaces that are not locked. So a flood of wrong codes from many fake channel users locks at most the spaces it
 * filled, never redemption as a whole: a citizen with a valid code in another space links, and a citizen whose
 * space is locked gets a new code that works. Locking every space takes spaces x limit failures (3,100 with the
 * defaults), instead of one overall limit that any 200 failures reached.
 */
export class ChannelLinksService implements AccountParticipant {
  private readonly perUser: Throttle;
  private readonly perSpace: Throttle;

  constructor(
    private readonly em: EntityManager,
    private readonly settings: LinkSettings,
    private readonly notices: ChannelLinkNotices,
    private readonly audit: AuditService,
  ) {
    const lock = { lockSeconds: settings.lockSeconds, lockMaxSeconds: settings.lockMaxSeconds };
    const throttles = new ThrottlesRepository(em);
    this.perUser = new Throttle({ maxFailures: settings.maxFailuresPerUser, ...lock }, throttles);
    this.perSpace = new Throttle({ maxFailures: settings.maxFailuresPerSpace, ...lock }, throttles);
  }

  /**
   * A new one-time code for the caller (valid for the configured minutes), in a code space that is not locked;
   * earlier unused codes stop working.
   */
  async createCode(actor: Actor): Promise<{ code: string; expiresAt: Date }> {
    return this.em.transactional(async (em) => {
      const locked = await em.execute<{ key: string }[]>(
        `select key from throttles where starts_with(key, ?) and locked_until > now()`,
        [SPACE_PREFIX],
      );
      const code = generateLinkCode(new Set(locked.map((row) => row.key.slice(SPACE_PREFIX.length))));
      await em.execute('update link_codes set used_at = now() where user_id = ? and used_at is null', [actor.id]);
      const rows = await em.execute<{ expires_at: Date | string }[]>(
        `insert into link_codes (code_hash, user_id, expires_at) values (?, ?, now() + make_interval(mins => ?)) returning expires_at`,
        [hashToken(code), actor.id, this.settings.codeTtlMinutes],
      );
      return { code, expiresAt: new Date(rows[0].expires_at) };
    });
  }

  /**
   * Redeems a code typed in a channel: links (channel key, channel user) to the code's citizen and records the e-mail
   * notice of the new link in the same transaction (sent right after).
   */
  async redeem(channel: string, channelUserId: string, typed: string): Promise<RedeemOutcome> {
    const userKey = throttleKey(`link:${channel}:`, channelUserId);
    const em = this.em.fork();
    const userLock = await this.perUser.secondsLocked(userKey, em);
    if (userLock > 0) return { ok: false, reason: 'locked', retryAfterSeconds: userLock };
    const code = normaliseLinkCode(typed);
    const spaceKey = code ? `${SPACE_PREFIX}${codeSpaceOf(code)}` : null;
    const spaceLock = spaceKey ? await this.perSpace.secondsLocked(spaceKey, em) : 0;
    if (spaceLock > 0) return { ok: false, reason: 'space-locked', retryAfterSeconds: spaceLock };
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
          const linked = await tem.execute<{ created_at: Date | string }[]>(
            `insert into channel_links (id, channel, channel_user_id, user_id) values (?, ?, ?, ?)
             on conflict (channel, channel_user_id) do update set user_id = excluded.user_id, created_at = now()
             returning created_at`,
            [newId(), channel, channelUserId, found],
          );
          await this.notices.record(tem, {
            userId: found,
            kind: 'linked',
            channel,
            channelUserId,
            linkedAt: new Date(linked[0].created_at),
          });
          await this.audit.record(tem, 'channel_linked', chatInfo(channel), {
            actorId: found,
            subjectId: found,
            details: { channel },
          });
          return found;
        })
      : null;
    if (!userId) {
      // A malformed code belongs to no space: only its sender pays for it.
      const lock = Math.max(await this.perUser.fail(userKey, em), spaceKey ? await this.perSpace.fail(spaceKey, em) : 0);
      return lock > 0 ? { ok: false, reason: 'locked', retryAfterSeconds: lock } : { ok: false, reason: 'invalid' };
    }
    await this.perUser.reset(userKey, em);
    this.notices.kick();
    return { ok: true, userId };
  }

  /** The channel accounts linked to the caller, oldest first. */
  async list(actor: Actor): Promise<LinkedChannel[]> {
    const rows = await this.em.execute<{ id: string; channel: string; channel_user_id: string; created_at: Date | string }[]>(
      'select id, channel, channel_user_id, created_at from channel_links where user_id = ? order by created_at, id',
      [actor.id],
    );
    return rows.map((row) => ({
      id: row.id,
      channel: row.channel,
      channelUserId: row.channel_user_id,
      linkedAt: new Date(row.created_at),
    }));
  }

  /**
   * Removes one of the caller's links (and the notices its conversations were getting). Another citizen's link, or
   * one that does not exist, is `not-found`.
   */
  async unlinkById(actor: Actor, id: string, info: RequestInfo): Promise<void> {
    if (!isUuid(id)) throw new DomainError('not-found', 'Canal vinculado não encontrado.');
    await this.em.transactional(async (em) => {
      const rows = await em.execute<{ channel: string; channel_user_id: string }[]>(
        'delete from channel_links where id = ? and user_id = ? returning channel, channel_user_id',
        [id, actor.id],
      );
      const removed = rows[0];
      if (!removed) throw new DomainError('not-found', 'Canal vinculado não encontrado.');
      await this.stopNotices(em, removed.channel, removed.channel_user_id);
      await this.audit.record(em, 'channel_unlinked', info, {
        actorId: actor.id,
        subjectId: actor.id,
        details: { channel: removed.channel },
      });
    });
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
      await this.stopNotices(em, channel, channelUserId);
      const userId = rows[0]?.user_id;
      if (userId) {
        await this.audit.record(em, 'channel_unlinked', chatInfo(channel), {
          actorId: userId,
          subjectId: userId,
          details: { channel },
        });
      }
      return rows.length > 0;
    });
  }

  /** The channel accounts linked to the citizen, in the data export (whole: the export is the citizen's own data). */
  async exportSection(em: EntityManager, userId: string): Promise<[name: string, data: unknown]> {
    const rows = await em.execute<{ channel: string; channel_user_id: string; created_at: Date | string }[]>(
      'select channel, channel_user_id, created_at from channel_links where user_id = ? order by created_at, id',
      [userId],
    );
    return [
      'channels',
      rows.map((row) => ({
        channel: channelLabel(row.channel),
        channelUser: row.channel_user_id,
        linkedAt: new Date(row.created_at).toISOString(),
      })),
    ];
  }

  /**
   * LGPD erasure: links, codes, link notices, conversation snapshots, web chat transcripts, files attached in the chat
   * and the WhatsApp contact record.
   */
  async onErased(em: EntityManager, userId: string): Promise<void> {
    await em.execute(
      `delete from bot_staged_files f using conversations c
        where c.user_id = ? and f.channel = c.channel and f.conversation_id = c.conversation_id`,
      [userId],
    );
    await em.execute(
      `delete from whatsapp_contacts where wa_id in (select channel_user_id from channel_links where channel = ? and user_id = ?)`,
      [WHATSAPP_CHANNEL_KEY, userId],
    );
    await em.execute('delete from conversations where user_id = ?', [userId]);
    // Web chat transcripts (their activities go with them).
    await em.execute('delete from directline_conversations where citizen_id = ?', [userId]);
    await em.execute('delete from channel_links where user_id = ?', [userId]);
    await em.execute('delete from link_codes where user_id = ?', [userId]);
    await em.execute('delete from channel_link_notices where user_id = ?', [userId]);
  }

  private async stopNotices(em: EntityManager, channel: string, channelUserId: string): Promise<void> {
    await em.execute(
      'update conversations set notify = false, reply_address = null where channel = ? and channel_user_id = ? and notify',
      [channel, channelUserId],
    );
  }
}

/** How a change made in a conversation is audited: there is no client address behind a channel's turn. */
function chatInfo(channel: string): RequestInfo {
  return { address: `chat:${channel}` };
}

/** `prefix` + the channel user id, hashed when the whole would not fit the throttle table's key. */
function throttleKey(prefix: string, channelUserId: string): string {
  const key = `${prefix}${channelUserId}`;
  return key.length <= MAX_THROTTLE_KEY ? key : `${prefix}sha256:${createHash('sha256').update(channelUserId).digest('hex')}`;
}
