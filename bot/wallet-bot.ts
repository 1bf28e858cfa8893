import { ActivityHandler, TurnContext } from 'botbuilder';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../src/shared/logger';
import type { ConversationEngine } from './conversation-engine';
import * as say from './render/messages.pt-BR';
import { toActivity } from './render/activity';
import type { ConversationKey } from './flows/types';
import type { ChannelEdge } from './channel-edge';
import { channelKey } from '../src/conversations/channel-key';

/** Longest message text the bot reads; anything beyond is cut (a 10 KB paste must not become a 10 KB FAQ query). */
const MAX_TEXT = 2000;

/**
 * The Bot Framework edge of IPlani: turns activities into conversation turns and replies into activities. Knows
 * nothing of flows or the domain beyond the engine. One per adapter: its edge says which adapter the turns came
 * through (the namespace of their channel keys), who the citizen is and how the turn's files are read.
 */
export class WalletBot extends ActivityHandler {
  constructor(
    private readonly engine: ConversationEngine,
    private readonly logger: Logger,
    private readonly edge: ChannelEdge,
  ) {
    super();
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if ((context.activity.membersAdded ?? []).some((member) => member.id !== botId)) {
        await context.sendActivity(toActivity(say.welcome(), context.activity.channelId));
      }
      await next();
    });
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const key: ConversationKey = {
      channel: channelKey(this.edge.adapter, activity.channelId),
      conversationId: activity.conversation.id,
      channelUserId: activity.from.id,
    };
    const raw = typeof activity.text === 'string' ? activity.text : typeof activity.value === 'string' ? activity.value : '';
    const input = {
      text: raw.slice(0, MAX_TEXT),
      attachments: this.edge.attachmentsOf(context),
      replyAddress: TurnContext.getConversationReference(activity),
    };
    const replies = await this.engine.handleTurn(key, input, activity.id ?? randomUUID(), this.edge.citizenOf(context));
    for (const reply of replies) await context.sendActivity(toActivity(reply, activity.channelId));
    this.logger.debug({ channel: key.channel, replies: replies.length }, 'bot turn');
  }
}
