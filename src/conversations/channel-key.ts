/**
 * The adapters that serve channels, each with its own authentication: the Bot Framework endpoint (`/api/messages`,
 * Bot Connector tokens), the app's own Direct Line for the city's web chat (its signed tokens) and the WhatsApp
 * webhook (Meta's signature).
 */
export type ChannelAdapter = 'botframework' | 'directline' | 'whatsapp';

/** The longest channel id an adapter passes on (`msteams`, `webchat`, `emulator`...); the key must fit 64 characters. */
export const MAX_CHANNEL_ID_LENGTH = 50;

/**
 * The channel part of every key of the conversation store (conversations, channel links, files staged in the chat,
 * notification subscriptions, link attempts): the adapter that received the turn, then the channel id it reported.
 * An adapter only ever builds keys under its own name, so a channel id claimed through one adapter ("webchat" or
 * "whatsapp" sent to /api/messages) can never reach the links or conversations of another.
 */
export function channelKey(adapter: ChannelAdapter, channelId: string): string {
  return `${adapter}:${channelId}`;
}

/** The one channel of the WhatsApp webhook. */
export const WHATSAPP_CHANNEL_KEY = channelKey('whatsapp', 'whatsapp');

const LABELS: Record<string, string> = {
  'whatsapp:whatsapp': 'WhatsApp',
  'directline:webchat': 'Chat da Prefeitura',
  'botframework:msteams': 'Microsoft Teams',
  'botframework:webchat': 'Web Chat (Azure)',
  'botframework:directline': 'Direct Line (Azure)',
  'botframework:emulator': 'Bot Framework Emulator',
  'botframework:telegram': 'Telegram',
  'botframework:facebook': 'Messenger',
  'botframework:slack': 'Slack',
  'botframework:email': 'E-mail',
  'botframework:sms': 'SMS',
};

/** The channel as a citizen knows it, in pt-BR (`WhatsApp`, `Microsoft Teams`); unknown channels by their id. */
export function channelLabel(key: string): string {
  const known = LABELS[key];
  if (known) return known;
  const channelId = key.slice(key.indexOf(':') + 1);
  return `Canal ${channelId}`;
}

/** A channel account as a citizen may see it in a list or an e-mail: its last four characters only. */
export function maskChannelUser(channelUserId: string): string {
  return `•••• ${channelUserId.slice(-4)}`;
}
