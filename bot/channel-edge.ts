import type { TurnContext } from 'botbuilder';
import type { AppCredentials, ConnectorClient } from 'botframework-connector';
import type { ChannelAdapter } from '../src/conversations/channel-key';
import { OutboundError, getFollowingRedirects, type OutboundHttp } from '../http/outbound-http';
import type { Logger } from '../src/shared/logger';
import { fetchedFile, fileFromDataUrl, unavailableFile } from './attachments';
import type { ConnectorPolicy } from './connector-policy';
import type { FileRead, IncomingAttachment } from './flows/types';

/** What the bot needs to know about the adapter a turn came through. */
export interface ChannelEdge {
  /** The adapter: the first part of every channel key its turns use (see channelKey). */
  readonly adapter: ChannelAdapter;
  /** The citizen of channels that carry it themselves (the web chat's token); undefined = use `vincular` links. */
  citizenOf(context: TurnContext): string | null | undefined;
  /** The files of the turn's activity, as this adapter lets them be read. */
  attachmentsOf(context: TurnContext): IncomingAttachment[];
}

/** Redirects an attachment download may follow (each hop checked again). */
const MAX_REDIRECTS = 3;

/** The connector client CloudAdapter put in the turn state (its credentials carry the bot's token), if any. */
function connectorClientOf(context: TurnContext): ConnectorClient | undefined {
  const adapter = context.adapter as { ConnectorClientKey?: symbol };
  return adapter.ConnectorClientKey ? context.turnState.get<ConnectorClient>(adapter.ConnectorClientKey) : undefined;
}

/**
 * The Bot Framework channels of `/api/messages` (Teams, Azure channels, the Emulator). An attachment is fetched only
 * when the flow asks for it, only from an origin the connector policy allows (connector hosts with credentials, the
 * Emulator's own origin without), with the bot's token, through the guarded outbound client (every address checked
 * after DNS, redirects followed by hand and checked again, size-capped, timed out). Anything else is "not received",
 * whatever the reason. `data:` URLs are decoded in place.
 */
export class BotFrameworkEdge implements ChannelEdge {
  readonly adapter = 'botframework' as const;

  constructor(
    private readonly policy: ConnectorPolicy,
    private readonly outbound: OutboundHttp,
    private readonly logger: Logger,
  ) {}

  citizenOf(): undefined {
    return undefined;
  }

  attachmentsOf(context: TurnContext): IncomingAttachment[] {
    const serviceUrl = context.activity.serviceUrl ?? '';
    const credentials = connectorClientOf(context)?.credentials as Partial<AppCredentials> | undefined;
    return (context.activity.attachments ?? [])
      .filter((attachment) => typeof attachment.contentUrl === 'string' && attachment.contentUrl.length > 0)
      .map((attachment) => {
        const { name, contentType } = attachment;
        const raw = attachment.contentUrl!;
        if (raw.startsWith('data:')) return fileFromDataUrl(raw, name, contentType);
        let url: URL;
        try {
          url = new URL(raw);
        } catch {
          return unavailableFile(name, contentType);
        }
        if (!this.policy.allowsAttachmentUrl(url, serviceUrl)) return unavailableFile(name, contentType);
        const token =
          this.policy.authenticated && typeof credentials?.getToken === 'function' ? () => credentials.getToken!() : null;
        return fetchedFile((maxBytes) => this.fetch(url, serviceUrl, token, maxBytes), name, contentType);
      });
  }

  private async fetch(url: URL, serviceUrl: string, token: (() => Promise<string>) | null, maxBytes: number): Promise<FileRead> {
    // The address guard lets through the tests' stand-ins and, in Emulator mode, the Emulator's own loopback origin
    // (the policy allowed no other): nothing else on this machine or its networks.
    const exempt = new Set(this.policy.exemptOrigins);
    if (!this.policy.authenticated) exempt.add(new URL(serviceUrl).origin);
    const guarded = this.outbound.withOptions({ guardAddresses: true, exemptOrigins: exempt });
    try {
      const response = await getFollowingRedirects(
        guarded,
        url.href,
        {
          allows: (hop) => this.policy.allowsAttachmentUrl(hop, serviceUrl),
          headersFor: async (): Promise<Record<string, string>> => (token ? { authorization: `Bearer ${await token()}` } : {}),
        },
        { maxRedirects: MAX_REDIRECTS, maxResponseBytes: maxBytes },
      );
      if (response.status !== 200) return { ok: false, reason: 'unavailable' };
      return { ok: true, bytes: response.body };
    } catch (error) {
      if (error instanceof OutboundError && error.reason === 'too-large') return { ok: false, reason: 'too-large' };
      this.logger.info({ reason: error instanceof OutboundError ? error.reason : 'error' }, 'chat attachment not fetched');
      return { ok: false, reason: 'unavailable' };
    }
  }
}
