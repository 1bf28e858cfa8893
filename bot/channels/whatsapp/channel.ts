import type { Logger } from '../../../src/shared/logger';
import type { ConversationEngine } from '../../conversation-engine';
import { WHATSAPP_CHANNEL_KEY } from '../../../src/conversations/channel-key';
import type { WhatsAppRepository } from '../../../src/conversations/whatsapp.repository';
import { fetchedFile } from '../../attachments';
import type { BotMessage, ConversationKey, IncomingAttachment } from '../../flows/types';
import { SERVICE_ERROR } from '../../render/messages.pt-BR';
import { WHATSAPP_UNSUPPORTED_MESSAGE } from '../../render/channels.pt-BR';
import type { GraphClient } from './graph-client';
import type { InboundMedia, InboundMessage } from './payload';
import { noticeTemplate, renderForWhatsApp, type OutgoingMessage } from './render';
import { isWithinServiceWindow } from './window';

/** The channel name in logs (conversations, links and staged files use WHATSAPP_CHANNEL_KEY). */
const WHATSAPP_CHANNEL = 'whatsapp';

/** Longest message text the bot reads, as on the Bot Framework edge. */
const MAX_TEXT = 2000;

export type SendOutcome = 'sent' | 'outside-window' | 'failed';

export interface WhatsAppChannelOptions {
  engine: ConversationEngine;
  /** Processed message ids and each user's last inbound message (the service window). */
  store: WhatsAppRepository;
  graph: GraphClient;
  logger: Logger;
  /** Largest file a citizen may send (the document file limit). */
  maxFileBytes: number;
  /** Runs background work with its own database context (the webhook has already been answered). */
  inContext<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * WhatsApp Cloud API edge of IPlani: inbound messages become turns of the same conversation engine as every other
 * channel (conversation and channel user = the sender's wa_id), replies go out through the Graph API. The webhook is
 * answered before the turns run, so processing happens here in the background, one message at a time per citizen.
 */
export class WhatsAppChannel {
  private readonly queues = new Map<string, Promise<void>>();

  // Processed message ids are purged by the `purge-whatsapp-message-ids` job (src/jobs), once across instances.
  constructor(private readonly options: WhatsAppChannelOptions) {}

  /** Queues the messages of one webhook delivery; each citizen's messages run in the order received. */
  accept(messages: InboundMessage[]): void {
    for (const message of messages) {
      const previous = this.queues.get(message.from) ?? Promise.resolve();
      const next = previous.then(() => this.options.inContext(() => this.process(message)));
      const settled = next.catch((error: unknown) => this.options.logger.error({ err: error }, 'WhatsApp message failed'));
      this.queues.set(message.from, settled);
      void settled.finally(() => {
        if (this.queues.get(message.from) === settled) this.queues.delete(message.from);
      });
    }
  }

  /** Resolves when every queued message has been processed (graceful shutdown, tests). */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
  }

  /** Stops background work after the queued messages are done. */
  async close(): Promise<void> {
    await this.idle();
  }

  /**
   * Sends IPlani's messages to a WhatsApp user. Free-form messages are allowed only inside WhatsApp's 24-hour
   * customer-service window; outside it (Meta would require an approved template) nothing is sent and the skip is
   * logged. A reply to a message just received is always inside the window.
   */
  async sendTo(waId: string, messages: BotMessage[]): Promise<SendOutcome> {
    const lastInbound = await this.options.store.lastInboundAt(waId);
    if (!isWithinServiceWindow(lastInbound)) {
      this.options.logger.info({ channel: WHATSAPP_CHANNEL, messages: messages.length }, 'outside the 24-hour window; not sent');
      return 'outside-window';
    }
    for (const message of messages) {
      for (const outgoing of renderForWhatsApp(message)) {
        const result = await this.options.graph.send(waId, outgoing);
        if (!result.ok) {
          this.options.logger.warn(
            { channel: WHATSAPP_CHANNEL, status: result.status, graphCode: result.code },
            'WhatsApp message not accepted by the Graph API',
          );
          return 'failed';
        }
      }
    }
    return 'sent';
  }

  /**
   * Sends a proactive notice: inside the 24-hour window as a normal text, outside it as the approved template
   * (`template`, WHATSAPP_NOTICE_TEMPLATE) carrying the same text; without a template, outside the window nothing can
   * be sent (`outside-window`). `now` is the app's clock.
   */
  async sendNotice(waId: string, text: string, now: Date, template: string | undefined): Promise<SendOutcome> {
    const lastInbound = await this.options.store.lastInboundAt(waId);
    let outgoing: OutgoingMessage;
    if (isWithinServiceWindow(lastInbound, now)) outgoing = { type: 'text', text: { body: text, preview_url: false } };
    else if (template) outgoing = noticeTemplate(template, text);
    else return 'outside-window';
    const result = await this.options.graph.send(waId, outgoing);
    if (result.ok) return 'sent';
    this.options.logger.warn(
      { channel: WHATSAPP_CHANNEL, status: result.status, graphCode: result.code, kind: outgoing.type },
      'WhatsApp notice not accepted by the Graph API',
    );
    return 'failed';
  }

  private async process(message: InboundMessage): Promise<void> {
    const { store, engine, logger } = this.options;
    if (!(await store.claimMessage(message.id))) {
      logger.debug({ channel: WHATSAPP_CHANNEL }, 'WhatsApp message already processed; ignored');
      return;
    }
    await store.recordInbound(message.from);
    if (message.unsupported) {
      await this.sendTo(message.from, [{ text: WHATSAPP_UNSUPPORTED_MESSAGE }]);
      return;
    }
    const key: ConversationKey = { channel: WHATSAPP_CHANNEL_KEY, conversationId: message.from, channelUserId: message.from };
    const attachments = message.media ? [this.attachmentFor(message.media)] : [];
    let replies: BotMessage[];
    try {
      replies = await engine.handleTurn(key, { text: message.text.slice(0, MAX_TEXT), attachments }, message.id);
    } catch (error) {
      logger.error({ err: error, channel: WHATSAPP_CHANNEL }, 'WhatsApp turn failed');
      replies = [{ text: SERVICE_ERROR }];
    }
    await this.sendTo(message.from, replies);
  }

  /**
   * Media is downloaded through the Graph API with the access token, only if a flow reads the file (a photo sent at the
   * menu costs no download); the shared attachment rules (size, file type) apply as on every channel. A failed download
   * reads as "not received".
   */
  private attachmentFor(media: InboundMedia): IncomingAttachment {
    const contentType =
      media.mimeType && /^[\w.+-]+\/[\w.+-]+$/.test(media.mimeType) ? media.mimeType : 'application/octet-stream';
    return fetchedFile(
      async (maxBytes) => {
        const download = await this.options.graph.downloadMedia(media.id, maxBytes);
        if (download.ok) return { ok: true, bytes: download.bytes };
        if (download.reason === 'unavailable')
          this.options.logger.warn({ channel: WHATSAPP_CHANNEL }, 'WhatsApp media download failed');
        return download;
      },
      media.fileName,
      contentType,
    );
  }
}
