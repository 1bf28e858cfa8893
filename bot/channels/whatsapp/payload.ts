/**
 * The parts of the WhatsApp Cloud API `messages` webhook the bot uses, read defensively: Meta's payload is
 * `{object: "whatsapp_business_account", entry: [{id, changes: [{field: "messages", value: {messaging_product,
 * metadata: {display_phone_number, phone_number_id}, contacts?, messages?, statuses?}}]}]}`. Anything unexpected is
 * skipped rather than failing the whole delivery, because Meta would redeliver it forever.
 */

/** A media object (image or document) that has to be fetched through the Graph API media endpoint. */
export interface InboundMedia {
  id: string;
  mimeType?: string;
  fileName?: string;
  caption?: string;
}

/** One citizen message, reduced to what a conversation turn needs. */
export interface InboundMessage {
  /** `wamid.…`: unique per message, repeated when Meta redelivers. */
  id: string;
  /** The sender's WhatsApp id (their phone number in international format, digits only). */
  from: string;
  /** Text, or the id of the tapped button / list row (the choice value the flows understand). */
  text: string;
  media: InboundMedia | null;
  /** The message type is one the bot cannot read (audio, sticker, location, …). */
  unsupported: boolean;
}

type Json = Record<string, unknown>;

function record(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function media(value: unknown): InboundMedia | null {
  const object = record(value);
  const id = str(object?.id);
  if (!object || !id) return null;
  return { id, mimeType: str(object.mime_type), fileName: str(object.filename), caption: str(object.caption) };
}

function toInbound(raw: unknown): InboundMessage | null {
  const message = record(raw);
  const id = str(message?.id);
  const from = str(message?.from);
  if (!message || !id || !from) return null;
  const base = { id, from, text: '', media: null, unsupported: false };
  switch (message.type) {
    case 'text':
      return { ...base, text: str(record(message.text)?.body) ?? '' };
    case 'interactive': {
      const interactive = record(message.interactive);
      const reply = record(interactive?.button_reply) ?? record(interactive?.list_reply);
      const chosen = str(reply?.id) ?? str(reply?.title);
      return chosen === undefined ? { ...base, unsupported: true } : { ...base, text: chosen };
    }
    case 'button': {
      // A quick-reply button of a template message.
      const button = record(message.button);
      return { ...base, text: str(button?.payload) ?? str(button?.text) ?? '' };
    }
    case 'image':
    case 'document': {
      const file = media(message[message.type]);
      return file ? { ...base, text: file.caption ?? '', media: file } : { ...base, unsupported: true };
    }
    default:
      return { ...base, unsupported: true };
  }
}

/**
 * The citizen messages of a webhook delivery addressed to our phone number, in the order received. Status updates
 * (`statuses[]`: sent, delivered, read, failed) and messages to other numbers of the same app are left out.
 */
export function inboundMessages(body: unknown, phoneNumberId: string): InboundMessage[] {
  const root = record(body);
  if (!root || root.object !== 'whatsapp_business_account') return [];
  const messages: InboundMessage[] = [];
  for (const entry of list(root.entry)) {
    for (const change of list(record(entry)?.changes)) {
      const changeRecord = record(change);
      if (changeRecord?.field !== 'messages') continue;
      const value = record(changeRecord.value);
      if (!value || str(record(value.metadata)?.phone_number_id) !== phoneNumberId) continue;
      for (const raw of list(value.messages)) {
        const message = toInbound(raw);
        if (message) messages.push(message);
      }
    }
  }
  return messages;
}
