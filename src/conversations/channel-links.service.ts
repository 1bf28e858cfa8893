import { createHash } from 'node:crypto';
import type { Transactions, Tx } from '../db/repository';
import { Throttle } from '../shared/throttle';
import type { ThrottlesRepository } from '../shared/throttles.repository';
import { isUuid } from '../shared/ids';
import type { AuditService } from '../shared/audit.service';
import type { RequestInfo } from '../shared/request-info';
import type { AccountParticipant } from '../accounts/accounts.service';
import type { Actor } from '../shared/access';
import { hashToken } from '../accounts/tokens';
import { channelLabel } from './channel-key';
import { channelLinkAccess } from './channel-link-access';
import type { ChannelLinkNotices } from './channel-link-notices';
import type { ChannelLinksRepository, LinkedChannel } from './channel-links.repository';
import type { ConversationsRepository } from './conversations.repository';
import type { DirectLineRepository } from './directline.repository';
import type { LinkCodesRepository } from './link-codes.repository';
import type { StagedFilesRepository } from './staged-files.repository';
import type { WhatsAppRepository } from './whatsapp.repository';
import { codeSpaceOf, generateLinkCode, normaliseLinkCode } from './link-codes';

export type { LinkedChannel } from './channel-links.repository';

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

/**
 * Where the links and everything kept about the linked channel accounts live: the links and their codes, the
 * throttles of `vincular`, and what erasure deletes with them (conversations, chat files, transcripts, WhatsApp
 * contacts).
 */
export interface ChannelLinkStores {
  links: ChannelLinksRepository;
  codes: LinkCodesRepository;
  throttles: ThrottlesRepository;
  conversations: ConversationsRepository;
  stagedFiles: StagedFilesRepository;
  directLine: DirectLineRepository;
  whatsapp: WhatsAppRepository;
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
    private readonly transactions: Transactions,
    private readonly stores: ChannelLinkStores,
    private readonly settings: LinkSettings,
    private readonly notices: ChannelLinkNotices,
    private readonly audit: AuditService,
  ) {
    const lock = { lockSeconds: settings.lockSeconds, lockMaxSeconds: settings.lockMaxSeconds };
    this.perUser = new Throttle({ maxFailures: settings.maxFailuresPerUser, ...lock }, stores.throttles);
    this.perSpace = new Throttle({ maxFailures: settings.maxFailuresPerSpace, ...lock }, stores.throttles);
  }

  /**
   * A new one-time code for the caller (valid for the configured minutes), in a code space that is not locked;
   * earlier unused codes stop working.
   */
  async createCode(actor: Actor): Promise<{ code: string; expiresAt: Date }> {
    const { codes, throttles } = this.stores;
    return this.transactions.run(async (tx) => {
      const locked = await throttles.lockedKeys(SPACE_PREFIX, tx);
      const code = generateLinkCode(new Set(locked.map((key) => key.slice(SPACE_PREFIX.length))));
      await codes.retireUnused(tx, actor.id);
      const expiresAt = await codes.insert(tx, hashToken(code), actor.id, this.settings.codeTtlMinutes);
      return { code, expiresAt };
    });
  }

  /**
   * Redeems a code typed in a channel: links (channel key, channel user) to the code's citizen and records the e-mail
   * notice of the new link in the same transaction (sent right after).
   */
  async redeem(channel: string, channelUserId: string, typed: string): Promise<RedeemOutcome> {
    const userKey = throttleKey(`link:${channel}:`, channelUserId);
    const userLock = await this.perUser.secondsLocked(userKey);
    if (userLock > 0) return { ok: false, reason: 'locked', retryAfterSeconds: userLock };
    const code = normaliseLinkCode(typed);
    const spaceKey = code ? `${SPACE_PREFIX}${codeSpaceOf(code)}` : null;
    const spaceLock = spaceKey ? await this.perSpace.secondsLocked(spaceKey) : 0;
    if (spaceLock > 0) return { ok: false, reason: 'space-locked', retryAfterSeconds: spaceLock };
    const userId = code ? await this.transactions.run((tx) => this.link(tx, { channel, channelUserId }, code)) : null;
    if (!userId) {
      // A malformed code belongs to no space: only its sender pays for it.
      const lock = Math.max(await this.perUser.fail(userKey), spaceKey ? await this.perSpace.fail(spaceKey) : 0);
      return lock > 0 ? { ok: false, reason: 'locked', retryAfterSeconds: lock } : { ok: false, reason: 'invalid' };
    }
    await this.perUser.reset(userKey);
    this.notices.kick();
    return { ok: true, userId };
  }

  /** The channel accounts linked to the caller, oldest first. */
  async list(actor: Actor): Promise<LinkedChannel[]> {
    return this.stores.links.listOf(actor.id);
  }

  /**
   * Removes one of the caller's links (and the notices its conversations were getting). Another citizen's link, or
   * one that does not exist, is `not-found` (channelLinkAccess).
   */
  async unlinkById(actor: Actor, id: string, info: RequestInfo): Promise<void> {
    const { ownerId } = channelLinkAccess.scope(actor, 'unlink');
    if (!isUuid(id)) throw channelLinkAccess.notFound();
    await this.transactions.run(async (tx) => {
      const removed = await this.stores.links.removeOwned(tx, id, ownerId);
      if (!removed) throw channelLinkAccess.notFound();
      await this.stores.conversations.stopNotices(tx, removed.channel, removed.channelUserId);
      await this.audit.record(tx, 'channel_unlinked', info, {
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
    return this.transactions.run(async (tx) => {
      const userId = await this.stores.links.removeAccount(tx, { channel, channelUserId });
      await this.stores.conversations.stopNotices(tx, channel, channelUserId);
      if (userId) {
        await this.audit.record(tx, 'channel_unlinked', chatInfo(channel), {
          actorId: userId,
          subjectId: userId,
          details: { channel },
        });
      }
      return userId !== null;
    });
  }

  /** The channel accounts linked to the citizen, in the data export (whole: the export is the citizen's own data). */
  async exportSection(tx: Tx, userId: string): Promise<[name: string, data: unknown]> {
    const links = await this.stores.links.listOf(userId, tx);
    return [
      'channels',
      links.map((link) => ({
        channel: channelLabel(link.channel),
        channelUser: link.channelUserId,
        linkedAt: link.linkedAt.toISOString(),
      })),
    ];
  }

  /**
   * LGPD erasure: links, codes, link notices, conversation snapshots, web chat transcripts, files attached in the chat
   * and the WhatsApp contact record. Files and contacts go first: they are found through the conversations and links.
   */
  async onErased(tx: Tx, userId: string): Promise<void> {
    const { stagedFiles, whatsapp, conversations, directLine, links, codes } = this.stores;
    await stagedFiles.deleteAllOfCitizen(tx, userId);
    await whatsapp.deleteContactsOfCitizen(tx, userId);
    await conversations.deleteAllOf(tx, userId);
    await directLine.deleteAllOfCitizen(tx, userId);
    await links.deleteAllOf(tx, userId);
    await codes.deleteAllOf(tx, userId);
    await this.notices.forget(tx, userId);
  }

  /**
   * Spends the code and links the channel account to its citizen, recording the e-mail notice and the audit event in
   * the same transaction. Returns the citizen, or null when the code is not valid.
   */
  private async link(tx: Tx, account: { channel: string; channelUserId: string }, code: string): Promise<string | null> {
    const userId = await this.stores.codes.spend(tx, hashToken(code));
    if (!userId) return null;
    const linkedAt = await this.stores.links.link(tx, account, userId);
    await this.notices.record(tx, { userId, kind: 'linked', ...account, linkedAt });
    await this.audit.record(tx, 'channel_linked', chatInfo(account.channel), {
      actorId: userId,
      subjectId: userId,
      details: { channel: account.channel },
    });
    return userId;
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
