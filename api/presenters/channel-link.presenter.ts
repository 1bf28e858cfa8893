import { channelLabel, maskChannelUser } from '../../src/conversations/channel-key';
import type { LinkedChannel } from '../../src/conversations/channel-links.service';

/** A channel account linked to the citizen (the full channel user id, such as a phone number, stays internal). */
export interface ChannelLinkView {
  id: string;
  /** O canal, como aparece para o cidadão: `WhatsApp`, `Microsoft Teams`... */
  channel: string;
  /** A conta no canal, mascarada: `•••• 0001`. */
  channelUser: string;
  /** Quando o canal foi vinculado. */
  linkedAt: string;
}

export function presentChannelLink(link: LinkedChannel): ChannelLinkView {
  return {
    id: link.id,
    channel: channelLabel(link.channel),
    channelUser: maskChannelUser(link.channelUserId),
    linkedAt: link.linkedAt.toISOString(),
  };
}
