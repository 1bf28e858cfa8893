import { CloudAdapter, type Activity, type TurnContext } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
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

/** CloudAdapter with its activity processing open to our own route (see registerBotEndpoint). */
export class WalletAdapter extends CloudAdapter {
  /** Authenticates the activity's token and runs the turn; resolves with the invoke response, if any. */
  handle(authorization: string, activity: Activity, logic: (context: TurnContext) => Promise<void>) {
    return this.processActivity(authorization, activity, logic);
  }
}

/** The Bot Framework's ISO time stamps as Date objects, as the SDK's own HTTP handler hands them to the bot. */
function withDates(activity: Record<string, unknown>): Activity {
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['expiration', 'rawExpiration'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    const value = activity[field];
    if (typeof value === 'string') {
      activity[raw] = value;
      activity[field] = new Date(value);
    }
  }
  return activity as unknown as Activity;
}

/**
 * `POST /api/messages` through botbuilder's CloudAdapter. A body that is not an activity is a 400 problem (the
 * adapter itself would answer 500); a refused channel token is a 401 problem; a turn that fails gets an apology, never
 * a stack trace; replies the channel cannot receive are a 502 problem. The route calls the adapter's processActivity itself: the body is already parsed and checked here,
 * and the SDK's HTTP wrapper would check it again (building its validators on every request) and print refused tokens
 * with console.error instead of our log.
 */
export function registerBotEndpoint(
  server: Server,
  bot: WalletBot,
  credentials: ChannelAuthSettings,
  logger: Logger,
): WalletAdapter {
  const adapter = new WalletAdapter(createBotAuthentication(credentials));
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
    const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
    let invokeResponse;
    try {
      invokeResponse = await adapter.handle(authorization, withDates(req.body), (context) => bot.run(context));
    } catch (error) {
      const channel = (req.body as { channelId?: unknown }).channelId;
      if (error instanceof AuthenticationError) {
        logger.warn({ channel, reason: error.message }, 'channel token refused');
        throw new DomainError('unauthorized', 'O token do canal é inválido ou está ausente.');
      }
      // onTurnError answers every failure inside the turn with an apology; what still escapes is that the replies (or
      // the apology) could not be delivered to the channel's serviceUrl. Not a database outage, whatever socket code
      // the HTTP client reports.
      logger.error({ err: error, channel }, 'bot replies could not be delivered');
      throw new DomainError('channel-unreachable');
    }
    res.status(invokeResponse?.status ?? 200);
    if (invokeResponse?.body !== undefined) res.send(invokeResponse.body);
    res.end();
  });
  return adapter;
}
