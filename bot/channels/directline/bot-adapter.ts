import {
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import type { Logger } from '../../../src/shared/logger';
import { HttpError } from '../../../http/errors';
import * as say from '../../render/messages.pt-BR';
import { fileFromBytes } from '../../attachments';
import type { ChannelEdge } from '../../channel-edge';
import type { IncomingAttachment } from '../../flows/types';
import type { DirectLineStore } from './store';
import type { UploadedAttachment } from './upload';

/** Turn-state key under which a Direct Line turn carries the citizen of its token (null = anonymous). */
const DIRECTLINE_CITIZEN = Symbol('directline-citizen');
/** Turn-state key under which a Direct Line turn carries the file uploaded with it (bytes, never a URL). */
const DIRECTLINE_FILES = Symbol('directline-files');

/** The bot of the app, as this adapter runs it. */
export interface TurnLogic {
  run(context: TurnContext): Promise<void>;
}

/**
 * The Direct Line side of the bot, in process: a turn is run with a TurnContext of this adapter, and whatever the bot
 * sends is appended to the conversation's activities (where polls and streams read it). No HTTP hop to
 * /api/messages and back through the connector, so no credentials and no serviceUrl callback are needed.
 */
export class DirectLineBotAdapter extends BotAdapter {
  constructor(
    private readonly store: DirectLineStore,
    private readonly bot: TurnLogic,
    logger: Logger,
    /** Called after activities were appended to a conversation (wakes the WebSocket streams of this instance). */
    private readonly appended: (conversationId: string) => void,
  ) {
    super();
    this.onTurnError = async (context: TurnContext, error: Error) => {
      logger.error({ err: error, channel: 'webchat' }, 'bot turn failed');
      await context.sendActivity({ type: ActivityTypes.Message, text: say.SERVICE_ERROR, locale: 'pt-BR' });
    };
  }

  /**
   * Runs one turn for `activity`; `citizenId` comes from the verified token and is the only identity the bot trusts.
   * `files` are the bytes uploaded with the activity: the only attachments a web chat turn has.
   */
  async runTurn(activity: Partial<Activity>, citizenId: string | null, files: UploadedAttachment[] = []): Promise<void> {
    const context = new TurnContext(this, activity);
    context.turnState.set(DIRECTLINE_CITIZEN, citizenId);
    context.turnState.set(DIRECTLINE_FILES, files);
    await this.runMiddleware(context, (turn) => this.bot.run(turn));
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const conversationId = context.activity.conversation.id;
    const responses: ResourceResponse[] = [];
    for (const outgoing of activities) {
      // Typing indicators and delays are not worth a stored row each.
      if (outgoing.type === 'delay' || outgoing.type === ActivityTypes.Typing) {
        responses.push({ id: '' });
        continue;
      }
      const reply: Partial<Activity> = {
        ...outgoing,
        channelId: 'webchat',
        from: context.activity.recipient,
        recipient: context.activity.from,
        replyToId: outgoing.replyToId ?? context.activity.id,
      };
      delete reply.conversation;
      delete reply.serviceUrl;
      responses.push({ id: await this.store.append(conversationId, reply) });
    }
    this.appended(conversationId);
    return responses;
  }

  /** Web Chat through this server never edits or deletes activities; the bot does not either. */
  updateActivity(): Promise<void> {
    return Promise.reject(new HttpError('method-not-allowed', 'Atividades do Direct Line não podem ser alteradas.'));
  }

  deleteActivity(): Promise<void> {
    return Promise.reject(new HttpError('method-not-allowed', 'Atividades do Direct Line não podem ser apagadas.'));
  }

  /** Proactive messages would need a stored reference and token; this channel has none. */
  continueConversation(reference: Partial<ConversationReference>): Promise<void> {
    return Promise.reject(new Error(`proactive messages are not supported on Direct Line (${reference.conversation?.id})`));
  }
}

/**
 * The city's web chat: the citizen is the one of the verified Direct Line token (null for an anonymous chat), and the
 * turn's files are the bytes of its upload. Nothing the browser put in the activity's `attachments` is ever read.
 */
export const directLineEdge: ChannelEdge = {
  adapter: 'directline',
  citizenOf: (context) => context.turnState.get<string | null>(DIRECTLINE_CITIZEN) ?? null,
  attachmentsOf: (context): IncomingAttachment[] =>
    (context.turnState.get<UploadedAttachment[] | undefined>(DIRECTLINE_FILES) ?? []).map((file) =>
      fileFromBytes(file.bytes, file.name, file.contentType),
    ),
};
