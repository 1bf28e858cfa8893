import type { CloudAdapter, ConversationReference } from 'botbuilder';
import type { AppServices } from '../src/services';
import type { DomainEvent } from '../src/shared/domain-events';
import type { Logger } from '../src/shared/logger';
import { channelKey } from '../src/conversations/channel-key';
import { toActivity } from './render/activity';
import { blockedNotice, pixRefundNotice, rechargeNotice } from './render/messages.pt-BR';

/**
 * Channels whose conversations this adapter can write to proactively (through their Bot Connector serviceUrl, which
 * the connector policy checks again before any request). The app's own web chat delivers in process and WhatsApp
 * needs template messages outside its 24-hour window: neither is notified yet.
 */
export const NOTIFIABLE_CHANNELS: ReadonlySet<string> = new Set(
  ['emulator', 'msteams', 'test'].map((channelId) => channelKey('botframework', channelId)),
);

/** The citizen's message for an event, in bot/render's words. */
function noticeOf(event: DomainEvent, maskedNumber: string): string {
  switch (event.type) {
    case 'recharge-confirmed':
      return rechargeNotice(maskedNumber, event.amountCents, event.balanceCents);
    case 'card-blocked':
      return blockedNotice(maskedNumber, event.protocol);
    case 'pix-refunded':
      return pixRefundNotice(maskedNumber, event.amountCents, event.reason);
  }
}

/**
 * Proactive notifications: when a recharge is confirmed, a card blocked or a Pix payment given back (through the REST API or the chat), every
 * conversation of that citizen that opted in ("ativar avisos") gets a message, through the stored conversation
 * reference. Failures are logged, never surfaced to the operation that caused the event.
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
    const card = await services.cards.getCard({ id: event.userId, role: 'citizen' }, event.cardId);
    const text = noticeOf(event, card.maskedNumber);
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
