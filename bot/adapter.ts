import { CloudAdapter, type Activity, type TurnContext } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import type { Request, Response, Server } from 'restify';
import { exemptFromGlobalRateLimit } from '../http/routes';
import type { Logger } from '../src/shared/logger';
import { DomainError } from '../src/shared/errors';
import { HttpError } from '../http/errors';
import type { OutboundHttp } from '../http/outbound-http';
import { MAX_CHANNEL_ID_LENGTH } from '../src/conversations/channel-key';
import type { WalletBot } from './wallet-bot';
import * as say from './render/messages.pt-BR';
import { createBotAuthentication, type ChannelAuthSettings } from './channel-auth';
import { isLoopbackAddress, type ConnectorPolicy } from './connector-policy';

/** What every activity must carry to be answered: who, where, through which channel, and where replies go. */
interface ActivityEnvelope {
  type: string;
  channelId: string;
  serviceUrl: string;
  from: { id: string };
  conversation: { id: string };
}

const CHANNEL_ID = new RegExp(`^[A-Za-z0-9._-]{1,${MAX_CHANNEL_ID_LENGTH}}$`);

function isActivity(body: unknown): body is ActivityEnvelope {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const activity = body as Record<string, unknown>;
  if (typeof activity.type !== 'string' || activity.type === '') return false;
  const conversation = activity.conversation as Record<string, unknown> | undefined;
  const from = activity.from as Record<string, unknown> | undefined;
  return (
    typeof conversation?.id === 'string' &&
    typeof from?.id === 'string' &&
    typeof activity.serviceUrl === 'string' &&
    typeof activity.channelId === 'string' &&
    CHANNEL_ID.test(activity.channelId)
  );
}

/** The Emulator's channel id: the only channel Emulator mode (no bot credentials) accepts. */
const EMULATOR_CHANNEL = 'emulator';

/**
 * Why an activity is refused before anything is done with it (no token check, no turn, no request to its
 * serviceUrl), or null when it may go on to channel authentication. Without credentials only the Emulator on this
 * machine is served: channel `emulator`, a loopback peer (the socket's address: X-Forwarded-For is a client's claim)
 * and a loopback serviceUrl. With credentials the serviceUrl must be a Bot Connector origin; the token then vouches
 * for the rest.
 */
export function refusalOf(activity: ActivityEnvelope, peerAddress: string | undefined, policy: ConnectorPolicy): string | null {
  if (!policy.authenticated) {
    if (activity.channelId !== EMULATOR_CHANNEL) {
      return 'Sem credenciais do Bot Framework, este endpoint atende só o Bot Framework Emulator (channelId "emulator").';
    }
    if (!isLoopbackAddress(peerAddress)) {
      return 'Sem credenciais do Bot Framework, este endpoint atende só o Emulator nesta mesma máquina.';
    }
  }
  if (!policy.allowsServiceUrl(activity.serviceUrl)) {
    return policy.authenticated
      ? 'O serviceUrl não é um endereço do Bot Connector aceito por esta instalação.'
      : 'Sem credenciais do Bot Framework, o serviceUrl precisa ser o Emulator nesta máquina (localhost).';
  }
  return null;
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

/** How the Bot Framework endpoint runs. */
export interface BotEndpointOptions {
  /** `off`: the route answers 404 and no activity is read. */
  endpoint: 'on' | 'off';
  credentials: ChannelAuthSettings;
  policy: ConnectorPolicy;
  outbound: OutboundHttp;
}

/**
 * `POST /api/messages` through botbuilder's CloudAdapter. A body that is not an activity is a 400 problem (the
 * adapter itself would answer 500); an activity from a channel, client or serviceUrl this installation does not
 * serve is a 403 problem, before any request is made (see {@link refusalOf}); a refused channel token is a 401
 * problem; a turn that fails gets an apology, never a stack trace; replies the channel cannot receive are a 502
 * problem. The route calls the adapter's processActivity itself: the body is already parsed and checked here, and
 * the SDK's HTTP wrapper would check it again (building its validators on every request) and print refused tokens
 * with console.error instead of our log.
 */
export function registerBotEndpoint(server: Server, bot: WalletBot, options: BotEndpointOptions, logger: Logger): WalletAdapter {
  const { policy } = options;
  const adapter = new WalletAdapter(createBotAuthentication(options.credentials, policy, options.outbound));
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: error, channel: context.activity.channelId }, 'bot turn failed');
    await context.sendActivity({ type: 'message', text: say.SERVICE_ERROR, locale: 'pt-BR' });
  };

  // Every Teams or Emulator message arrives from a few Microsoft addresses, each authenticated by a signed token: the
  // global per-address budget would refuse the channel, not a client.
  exemptFromGlobalRateLimit(server, { path: '/api/messages' });
  server.post('/api/messages', async function botMessages(req: Request, res: Response) {
    if (options.endpoint === 'off')
      throw new DomainError('not-found', 'O endpoint do Bot Framework está desligado nesta instalação.');
    if (!isActivity(req.body)) {
      throw new HttpError(
        'malformed-request',
        'O corpo não é uma atividade válida do Bot Framework: envie type, channelId, serviceUrl, from.id e conversation.id.',
      );
    }
    const refusal = refusalOf(req.body, req.socket?.remoteAddress, policy);
    if (refusal) {
      logger.warn({ channel: req.body.channelId }, 'bot activity refused before authentication');
      throw new DomainError('forbidden', refusal);
    }
    const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
    let invokeResponse;
    try {
      invokeResponse = await adapter.handle(authorization, withDates({ ...req.body }), (context) => bot.run(context));
    } catch (error) {
      const channel = req.body.channelId;
      if (error instanceof AuthenticationError) {
        logger.warn({ channel, reason: error.message }, 'channel token refused');
        throw new DomainError('unauthorized', 'O token do canal é inválido ou está ausente.');
      }
      // onTurnError answers every failure inside the turn with an apology; what still escapes is that the replies (or
      // the apology) could not be delivered to the channel's serviceUrl. Not a database outage, whatever socket code
      // the HTTP client reports.
      logger.error({ err: error, channel }, 'bot replies could not be delivered');
      throw new HttpError('channel-unreachable');
    }
    res.status(invokeResponse?.status ?? 200);
    if (invokeResponse?.body !== undefined) res.send(invokeResponse.body);
    res.end();
  });
  return adapter;
}
