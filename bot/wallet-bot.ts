import { ActivityHandler, TurnContext } from 'botbuilder';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../src/shared/logger';
import type { ConversationEngine } from './conversation-engine';
import * as say from './render/messages.pt-BR';
import { toActivity } from './render/activity';
import type { ConversationKey, IncomingAttachment } from './flows/types';

/** Longest message text the bot reads; anything beyond is cut (a 10 KB paste must not become a 10 KB FAQ query). */
const MAX_TEXT = 2000;

/**
 * Files attached to the activity. Only `data:` URLs and URLs on the channel's own service host are ever fetched: a
 * client must not make the server download from arbitrary (for example internal) addresses. Others arrive with an
 * empty URL, which the flow answers as "could not receive the file".
 */
function attachmentsOf(context: TurnContext): IncomingAttachment[] {
  const serviceOrigin = safeOrigin(context.activity.serviceUrl);
  return (context.activity.attachments ?? [])
    .filter((attachment) => typeof attachment.contentUrl === 'string' && attachment.contentUrl.length > 0)
    .map((attachment) => {
      const url = attachment.contentUrl!;
      const allowed = url.startsWith('data:') || (serviceOrigin !== null && safeOrigin(url) === serviceOrigin);
      return { url: allowed ? url : '', name: attachment.name, contentType: attachment.contentType };
    });
}

function safeOrigin(url: string | undefined): string | null {
  try {
    return url ? new URL(url).origin : null;
  } catch {
    return null;
  }
}

/**
 * The Bot Framework edge of IPlani: turns activities into conversation turns and replies into activities. Knows
 * nothing of flows or the domain beyond the engine.
 */
export class WalletBot extends ActivityHandler {
  constructor(
    private readonly engine: ConversationEngine,
    private readonly logger: Logger,
    /** Resolves the citizen of channels that carry it themselves (the web chat's token); undefined = use links. */
    private readonly citizenOf: (context: TurnContext) => string | null | undefined = () => undefined,
  ) {
    super();
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if ((context.activity.membersAdded ?? []).some((member) => member.id !== botId)) {
        await context.sendActivity(toActivity(say.welcome()));
      }
      await next();
    });
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const key: ConversationKey = {
      channel: activity.channelId,
      conversationId: activity.conversation.id,
      channelUserId: activity.from.id,
    };
    const raw = typeof activity.text === 'string' ? activity.text : typeof activity.value === 'string' ? activity.value : '';
    const input = {
      text: raw.slice(0, MAX_TEXT),
      attachments: attachmentsOf(context),
      replyAddress: TurnContext.getConversationReference(activity),
    };
    const replies = await this.engine.handleTurn(key, input, activity.id ?? randomUUID(), this.citizenOf(context));
    for (const reply of replies) await context.sendActivity(toActivity(reply));
    this.logger.debug({ channel: key.channel, replies: replies.length }, 'bot turn');
  }
}
