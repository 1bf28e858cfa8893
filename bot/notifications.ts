import type { CloudAdapter, ConversationReference, Activity } from 'botbuilder';
import type { NoticeAddress, NoticeOutcome, NoticeSender } from '../src/notifications/notification-dispatcher';
import type { DomainEvent } from '../src/shared/domain-events';
import { WHATSAPP_CHANNEL_KEY, channelKey } from '../src/conversations/channel-key';
import { toActivity } from './render/activity';
import { noticeText } from './render/notices.pt-BR';
import type { WhatsAppChannel } from './channels/whatsapp';
import type { DirectLineStore } from './channels/directline/store';

/** The city's web chat (the app's own Direct Line): a notice is an activity appended to the conversation. */
const WEB_CHAT = channelKey('directline', 'webchat');

/** Bot Framework channels written to proactively through their Bot Connector serviceUrl (the connector policy checks it). */
const BOT_FRAMEWORK_NOTIFIABLE: ReadonlySet<string> = new Set(
  ['emulator', 'msteams', 'test'].map((channelId) => channelKey('botframework', channelId)),
);

/** Channels whose conversations can be notified: a citizen may turn notices on only there. */
export const NOTIFIABLE_CHANNELS: ReadonlySet<string> = new Set([...BOT_FRAMEWORK_NOTIFIABLE, WEB_CHAT, WHATSAPP_CHANNEL_KEY]);

/** What the notice sender writes through. */
export interface NoticeChannels {
  /** Teams, the Emulator and the tests' channel: proactive messages through the stored conversation reference. */
  adapter: CloudAdapter;
  appId: string | undefined;
  /** WhatsApp, or null when it is not configured. */
  whatsapp: WhatsAppChannel | null;
  /** The approved template for notices outside WhatsApp's 24-hour window (WHATSAPP_NOTICE_TEMPLATE). */
  whatsappTemplate: string | undefined;
  /** The web chat's activities, and the waker of this instance's streams (other instances hear the database). */
  directLine: { store: DirectLineStore; wake(conversationId: string): void };
}

/**
 * The bot edge's side of the notification dispatcher (src/notifications): renders each event's pt-BR notice and
 * sends it by its channel's rules. Teams/Emulator: a proactive message through the stored conversation reference.
 * WhatsApp: a normal text within 24 hours of the citizen's last message, the approved template outside. The web chat:
 * an activity appended to the conversation, which its open streams (on any instance) and polls then read.
 */
export function createNoticeSender(channels: NoticeChannels): NoticeSender {
  return {
    async send(event: DomainEvent, to: NoticeAddress, now: Date): Promise<NoticeOutcome> {
      const text = noticeText(event);
      if (BOT_FRAMEWORK_NOTIFIABLE.has(to.channel)) {
        await channels.adapter.continueConversationAsync(
          channels.appId ?? '',
          to.replyAddress as Partial<ConversationReference>,
          async (context) => {
            await context.sendActivity(toActivity({ text }, context.activity.channelId));
          },
        );
        return 'sent';
      }
      if (to.channel === WHATSAPP_CHANNEL_KEY) {
        if (!channels.whatsapp) return 'not-sent';
        const outcome = await channels.whatsapp.sendNotice(to.conversationId, text, now, channels.whatsappTemplate);
        return outcome === 'outside-window' ? 'not-sent' : outcome;
      }
      if (to.channel === WEB_CHAT) return appendToWebChat(channels.directLine, to, text);
      return 'not-sent';
    },
  };
}

async function appendToWebChat(
  directLine: NoticeChannels['directLine'],
  to: NoticeAddress,
  text: string,
): Promise<NoticeOutcome> {
  const reference = (to.replyAddress ?? {}) as Partial<ConversationReference>;
  // A conversation purged after its retention has nobody to read it any more.
  if (!(await directLine.store.find(to.conversationId))) return 'not-sent';
  const activity: Partial<Activity> = {
    ...toActivity({ text }, 'webchat'),
    channelId: 'webchat',
    from: reference.bot,
    recipient: reference.user,
  };
  await directLine.store.append(to.conversationId, activity);
  directLine.wake(to.conversationId);
  return 'sent';
}
