import { CloudAdapter, type TurnContext } from 'botbuilder';
import type { Request, Response, Server } from 'restify';
import type { Logger } from '../src/shared/logger';
import { DomainError } from '../src/shared/errors';
import type { WalletBot } from './wallet-bot';
import * as say from './render/messages.pt-BR';
import { createBotAuthentication, type ChannelAuthSettings } from './channel-auth';

function isActivity(body: unknown): body is { type: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const activity = body as Record<string, unknown>;
  if (typeof activity.type !== 'string' || activity.type === '') return false;
  const conversation = activity.conversation as Record<string, unknown> | undefined;
  const from = activity.from as Record<string, unknown> | undefined;
  if (activity.type === 'message' || activity.type === 'conversationUpdate') {
    if (typeof conversation?.id !== 'string' || typeof from?.id !== 'string' || typeof activity.serviceUrl !== 'string')
      return false;
    if (typeof activity.channelId !== 'string') return false;
  }
  return true;
}

/**
 * `POST /api/messages` through botbuilder's CloudAdapter. A body that is not an activity is a 400 problem (the
 * adapter itself would answer 500); a turn that fails gets an apology, never a stack trace.
 */
export function registerBotEndpoint(
  server: Server,
  bot: WalletBot,
  credentials: ChannelAuthSettings,
  logger: Logger,
): CloudAdapter {
  const adapter = new CloudAdapter(createBotAuthentication(credentials));
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: error, channel: context.activity.channelId }, 'bot turn failed');
    await context.sendActivity({ type: 'message', text: say.SERVICE_ERROR, locale: 'pt-BR' });
  };

  server.post('/api/messages', async function botMessages(req: Request, res: Response) {
    if (!isActivity(req.body)) {
      throw new DomainError(
        'malformed-request',
        'O corpo não é uma atividade válida do Bot Framework: envie type, channelId, serviceUrl, from.id e conversation.id.',
      );
    }
    await adapter.process(req, res as never, (context) => bot.run(context));
  });
  return adapter;
}
