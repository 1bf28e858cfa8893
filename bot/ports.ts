import { createHash } from 'node:crypto';
import type { AppServices } from '../src/services';
import type { Actor } from '../src/shared/access';
import { findDocumentType, maskDocumentNumber } from '../src/documents/document-types';
import { DOCUMENT_STATUS_LABELS } from '../src/documents/expiry';
import { onlyNoticeOn } from '../src/notices/notice-preferences';
import type { RequestInfo } from '../src/shared/request-info';
import { chatMessageFor } from './render/errors';
import { fromMarkdown } from './render/format';
import {
  EXPIRY_REMINDERS_OFF,
  expiryRemindersOn,
  LOW_BALANCE_NEEDS_AMOUNT,
  LOW_BALANCE_OFF,
  lowBalanceOn,
  noticeChoices,
} from './render/notices.pt-BR';
import {
  FILE_NOT_RECEIVED,
  LINK_INVALID,
  LINK_SPACE_LOCKED,
  NOTIFICATIONS_UNAVAILABLE,
  NO_SUCH_CHANNEL,
  SERVICE_ERROR,
  channelUnlinked,
  fileTooLarge,
  linkLocked,
} from './render/messages.pt-BR';
import { channelLabel, maskChannelUser } from '../src/conversations/channel-key';
import { NOTIFIABLE_CHANNELS } from './notifications';
import { formatFileSize } from '../src/documents/file-size';
import type { WalletPorts } from './flows/types';
import { closestByWords } from './understanding/choices';

function citizen(id: string): Actor {
  return { id, role: 'citizen' };
}

/** How changes made in a conversation are audited: there is no client address behind a channel's turn. */
function chatRequest(channel: string): RequestInfo {
  return { address: `chat:${channel}`.slice(0, 64) };
}

/** Channel conversation ids can be long or unusual: the idempotency key is a digest of the turn's identity. */
function idempotencyKey(raw: string): string {
  return `bot-${createHash('sha256').update(raw).digest('hex')}`;
}

/**
 * The flows' view of the domain, implemented over the same services as the REST API (blocking a card or saving a
 * document here runs exactly the method the API runs, with the same checks).
 */
export function createWalletPorts(
  services: AppServices,
  options: { maxFileBytes: number; pix?: { orderMinCents: number; orderMaxCents: number } },
): WalletPorts {
  return {
    today() {
      return Promise.resolve(services.documents.today());
    },
    async firstName(citizenId) {
      const user = await services.accounts.getProfile(citizen(citizenId));
      return user.fullName.trim().split(/\s+/)[0] || null;
    },
    async listCards(citizenId) {
      const page = await services.cards.listCards(citizen(citizenId), { limit: 100 });
      return page.items.map((card) => ({
        id: card.id,
        masked: card.maskedNumber,
        balanceCents: card.balanceCents,
        status: card.status,
      }));
    },

    async cardHistory(citizenId, cardId, limit) {
      const page = await services.cards.history(citizen(citizenId), cardId, {}, { limit });
      return page.items.map((entry) => ({ at: entry.createdAt, type: entry.type, amountCents: entry.amountCents }));
    },

    async blockCard(citizenId, cardId, reason, key, channel) {
      try {
        const { result } = await services.cards.block(
          citizen(citizenId),
          cardId,
          reason,
          chatRequest(channel),
          idempotencyKey(key),
        );
        return { ok: true, protocol: result.protocol };
      } catch (error) {
        return { ok: false, message: chatMessageFor(error) };
      }
    },

    async listDocuments(citizenId) {
      const page = await services.documents.list(citizen(citizenId), {}, { limit: 100 });
      return page.items.map(({ document, status }) => ({
        typeLabel: findDocumentType(document.type)?.shortLabel ?? document.type,
        maskedNumber: `${document.label ? `${document.label} ` : ''}${maskDocumentNumber(document.type, document.number)}`,
        statusLabel: DOCUMENT_STATUS_LABELS[status],
      }));
    },

    rechargeLimits() {
      const pix = options.pix;
      return pix ? { minCents: pix.orderMinCents, maxCents: pix.orderMaxCents } : null;
    },

    async createRecharge(citizenId, cardId, amountCents, key) {
      try {
        const { result } = await services.rechargeOrders.create(citizen(citizenId), cardId, amountCents, idempotencyKey(key));
        return {
          ok: true,
          order: {
            brCode: result.brCode,
            qrCodePng: result.qrCodePng,
            amountCents: result.amountCents,
            expiresAt: result.expiresAt,
          },
        };
      } catch (error) {
        return { ok: false, message: chatMessageFor(error) };
      }
    },

    async listRecharges(citizenId, limit) {
      const actor = citizen(citizenId);
      const cards = (await services.cards.listCards(actor, { limit: 100 })).items;
      // Each card's newest orders, merged: the newest `limit` of all of them are among these. One card after the other:
      // the calls share the turn's database context.
      const orders = [];
      for (const card of cards) {
        const page = await services.rechargeOrders.listForCard(actor, card.id, { limit });
        orders.push(...page.items.map((order) => ({ order, masked: card.maskedNumber })));
      }
      return orders
        .map(({ order, masked }) => ({
          id: order.id,
          masked,
          amountCents: order.amountCents,
          status: order.status,
          createdAt: order.createdAt,
          expiresAt: order.expiresAt,
        }))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .slice(0, limit);
    },

    async askFaq(question, client, topic) {
      const reply = topic
        ? await services.faq.answerInTopic(question, topic, `bot:${client}`)
        : await services.faq.answerMessage(question, `bot:${client}`);
      return {
        confident: reply.confident,
        answer: reply.answer
          ? { id: reply.answer.id, question: reply.answer.question, answer: fromMarkdown(reply.answer.answer) }
          : null,
        // Only questions that share words with what the citizen wrote: a suggestion about nothing they said is noise.
        suggestions: closestByWords(question, reply.suggestions).map((s) => ({ id: s.id, question: s.question })),
        close: reply.suggestionsClose,
        ...(reply.more
          ? { more: reply.more.map((hit) => ({ id: hit.id, question: hit.question, answer: fromMarkdown(hit.answer) })) }
          : {}),
      };
    },

    async askFaqFollowUp(previous, text, client) {
      const reply = await services.faq.answerFollowUp(previous, text, `bot:${client}`);
      return reply?.answer
        ? {
            confident: true,
            answer: { id: reply.answer.id, question: reply.answer.question, answer: fromMarkdown(reply.answer.answer) },
            suggestions: reply.suggestions.map((s) => ({ id: s.id, question: s.question })),
          }
        : null;
    },

    async faqEntry(id) {
      const entry = await services.faq.publicAnswer(id);
      return entry ? { question: entry.question, answer: fromMarkdown(entry.answer) } : null;
    },

    async stageAttachment(conversation, attachment) {
      const file = await attachment.read(options.maxFileBytes);
      if (!file.ok) {
        const message = file.reason === 'too-large' ? fileTooLarge(formatFileSize(options.maxFileBytes)) : FILE_NOT_RECEIVED;
        return { ok: false, message };
      }
      const staged = await services.stagedFiles.stage(
        conversation.channel,
        conversation.conversationId,
        file.bytes,
        attachment.name,
      );
      return staged.ok ? { ok: true, stagedId: staged.id, description: staged.description } : staged;
    },

    async saveDocument(conversation, input) {
      try {
        const { result } = await services.documents.createWithStagedFile(
          citizen(input.citizenId),
          {
            type: input.type,
            number: input.number,
            label: input.label ?? null,
            issuerState: input.issuerState ?? null,
            expiresAt: input.expiresAt ?? null,
          },
          input.stagedFileId
            ? { channel: conversation.channel, conversationId: conversation.conversationId, id: input.stagedFileId }
            : null,
          idempotencyKey(input.idempotencyKey),
          chatRequest(conversation.channel),
          { channel: conversation.channel, conversationId: conversation.conversationId },
        );
        return { ok: true, id: result.documentId };
      } catch (error) {
        return { ok: false, message: chatMessageFor(error) };
      }
    },

    async linkChannel(conversation, code) {
      const outcome = await services.channelLinks.redeem(conversation.channel, conversation.channelUserId, code);
      if (outcome.ok) return { ok: true, userId: outcome.userId };
      const message =
        outcome.reason === 'locked'
          ? linkLocked(outcome.retryAfterSeconds ?? 60)
          : outcome.reason === 'space-locked'
            ? LINK_SPACE_LOCKED
            : LINK_INVALID;
      return { ok: false, message };
    },

    unlinkChannel: (conversation) => services.channelLinks.unlink(conversation.channel, conversation.channelUserId),

    async listChannels(citizenId) {
      const links = await services.channelLinks.list(citizen(citizenId));
      return links.map((link) => ({
        label: channelLabel(link.channel),
        masked: maskChannelUser(link.channelUserId),
        since: link.linkedAt.toLocaleDateString('pt-BR', { timeZone: 'America/Sao_Paulo' }),
      }));
    },

    async unlinkChannelAt(conversation, citizenId, position) {
      const actor = citizen(citizenId);
      const link = (await services.channelLinks.list(actor))[position - 1];
      if (!link) return { message: NO_SUCH_CHANNEL, thisConversation: false };
      await services.channelLinks.unlinkById(actor, link.id, chatRequest(conversation.channel));
      return {
        message: channelUnlinked(channelLabel(link.channel), maskChannelUser(link.channelUserId)),
        thisConversation: link.channel === conversation.channel && link.channelUserId === conversation.channelUserId,
      };
    },

    async noticeSettings(citizenId, request) {
      const actor = citizen(citizenId);
      switch (request.kind) {
        case 'list':
        case 'help':
          return noticeChoices(await services.notices.preferences(actor));
        case 'expiry':
          await services.notices.update(actor, { expiryReminders: request.on });
          return request.on ? expiryRemindersOn(services.notices.expiryReminderDays) : EXPIRY_REMINDERS_OFF;
        case 'low-balance-off':
          await services.notices.update(actor, { lowBalanceThresholdCents: null });
          return LOW_BALANCE_OFF;
        case 'off-unnamed': {
          const preferences = await services.notices.preferences(actor);
          const which = onlyNoticeOn(preferences);
          if (which === null) return noticeChoices(preferences);
          await services.notices.update(
            actor,
            which === 'expiry' ? { expiryReminders: false } : { lowBalanceThresholdCents: null },
          );
          return which === 'expiry' ? EXPIRY_REMINDERS_OFF : LOW_BALANCE_OFF;
        }
        case 'low-balance-no-amount':
          return LOW_BALANCE_NEEDS_AMOUNT;
        case 'low-balance':
          try {
            await services.notices.update(actor, { lowBalanceThresholdCents: request.thresholdCents });
            return lowBalanceOn(request.thresholdCents);
          } catch (error) {
            return chatMessageFor(error);
          }
      }
    },

    async setNotifications(conversation, citizenId, on, replyAddress) {
      if (on && !NOTIFIABLE_CHANNELS.has(conversation.channel)) return { ok: false, message: NOTIFICATIONS_UNAVAILABLE };
      const saved = await services.notificationSubscriptions.set(
        conversation.channel,
        conversation.conversationId,
        conversation.channelUserId,
        citizenId,
        on,
        replyAddress,
      );
      return saved ? { ok: true } : { ok: false, message: SERVICE_ERROR };
    },
  };
}
