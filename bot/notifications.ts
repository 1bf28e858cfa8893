import type { CloudAdapter, ConversationReference } from 'botbuilder';
import type { AppServices } from '../src/services';
import type { DomainEvent } from '../src/shared/domain-events';
import type { Logger } from '../src/shared/logger';
import { channelKey } from '../src/conversations/channel-key';
import { toActivity } from './render/activity';
import { blockedNotice, rechargeNotice } from './render/messages.pt-BR';
import { expiringNotice, lowBalanceNotice } from './render/notices.pt-BR';

/**
 * Channels whose conversations this adapter can write to proactively (through their Bot Connector serviceUrl, which
 * the connector policy checks again before any request). The app's own web chat delivers in process and WhatsApp
 * needs template messages outside its 24-hour window: neither is notified yet.
 */
export const NOTIFIABLE_CHANNELS: ReadonlySet<string> = new Set(
  ['emulator', 'msteams', 'test'].map((channelId) => channelKey('botframework', channelId)),
);

/**
 * Proactive notifications: when a recharge is confirmed or a card blocked (through the REST API or the chat), a
 * document is about to expire or a debit takes a card below the citizen's low-balance threshold, every conversation of
 * that citizen that opted in ("ativar avisos") gets a message, through the stored conversation reference. Which of the
 * last two the citizen gets is their choice (GET/PATCH /v1/me/notifications, or the chat): the events are only
 * emitted for citizens who want them. Failures are logged, never surfaced to the operation that caused the event.
 */
export function subscribeNotifications(
  services: AppServices,
  adapter: CloudAdapter,
  appId: string | undefined,
  logger: Logger,
): void {
  services.events.subscribe(async (event: DomainEvent) => {
    const addresses = (await services.notificationSubscriptions.addressesOf(event.userId)).filter((a) =>
      NOTIFIABLE_CHANNELS.has(a.channel),
    );
    if (addresses.length === 0) return;
    const text = await noticeText(services, event);
    for (const { replyAddress } of addresses) {
      try {
        await adapter.continueConversationAsync(appId ?? '', replyAddress as Partial<ConversationReference>, async (context) => {
          await context.sendActivity(toActivity({ text }, context.activity.channelId));
        });
      } catch (error) {
        logger.warn({ err: error, event: event.type }, 'proactive notification failed');
      }
    }
  });
}

/** The pt-BR text of an event's notice; a card is named by its masked number, a document by its type. */
async function noticeText(services: AppServices, event: DomainEvent): Promise<string> {
  if (event.type === 'document-expiring') return expiringNotice(event.documentType, event.expiresOn, event.daysBefore);
  const card = await services.cards.getCard({ id: event.userId, role: 'citizen' }, event.cardId);
  switch (event.type) {
    case 'recharge-confirmed':
      return rechargeNotice(card.maskedNumber, event.amountCents, event.balanceCents);
    case 'card-blocked':
      return blockedNotice(card.maskedNumber, event.protocol);
    case 'low-balance':
      return lowBalanceNotice(card.maskedNumber, event.balanceCents, event.thresholdCents);
  }
}
