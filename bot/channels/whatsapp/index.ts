import { RequestContext } from '@mikro-orm/core';
import type { Server } from 'restify';
import type { WhatsAppConfig } from '../../../src/config';
import type { EntityManager } from '../../../src/db/orm';
import { WhatsAppRepository } from '../../../src/conversations/whatsapp.repository';
import type { Logger } from '../../../src/shared/logger';
import type { OutboundHttp } from '../../../http/outbound-http';
import type { ConversationEngine } from '../../conversation-engine';
import { WhatsAppChannel } from './channel';
import { GraphClient } from './graph-client';
import { registerWhatsAppWebhook } from './webhook';

export { WhatsAppChannel } from './channel';

export interface WhatsAppDependencies {
  /** undefined = the channel is off and its webhook answers 404. */
  config: WhatsAppConfig | undefined;
  engine: ConversationEngine;
  em: EntityManager;
  logger: Logger;
  maxBodyBytes: number;
  maxFileBytes: number;
  /** The app's outbound calls (Graph API sends and media downloads). */
  outbound: OutboundHttp;
  /** Loopback origins of the tests' stand-ins, exempt from the address guard of media downloads. */
  exemptOrigins: ReadonlySet<string>;
}

/**
 * Wires the WhatsApp Cloud API channel: the webhook routes always (404 when not configured), and the channel itself
 * when configured. Returns the channel (null when off) so the app can drain it on shutdown.
 */
export function registerWhatsApp(server: Server, deps: WhatsAppDependencies): WhatsAppChannel | null {
  const { config } = deps;
  if (!config) {
    registerWhatsAppWebhook(server, null);
    return null;
  }
  const channel = new WhatsAppChannel({
    engine: deps.engine,
    store: new WhatsAppRepository(deps.em),
    graph: new GraphClient({
      baseUrl: config.graphUrl,
      accessToken: config.accessToken,
      phoneNumberId: config.phoneNumberId,
      outbound: deps.outbound,
      guarded: deps.outbound.withOptions({ guardAddresses: true, exemptOrigins: deps.exemptOrigins }),
    }),
    logger: deps.logger,
    maxFileBytes: deps.maxFileBytes,
    inContext: (work) => RequestContext.create(deps.em, work),
  });
  registerWhatsAppWebhook(server, {
    verifyToken: config.verifyToken,
    appSecret: config.appSecret,
    phoneNumberId: config.phoneNumberId,
    maxBodyBytes: deps.maxBodyBytes,
    channel,
  });
  return channel;
}
