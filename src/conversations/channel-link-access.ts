import { defineAccess } from '../shared/access';

/**
 * Who may do what with a channel link, by its id: it is the citizen's alone (admins included: which phones and chat
 * accounts reach a citizen's wallet is theirs to manage), and anyone else's link answers `not-found` like a missing one.
 * Listing the links and making a link code act on the caller's own account and take no id; redeeming a code and
 * `desvincular` act on the channel account the message came from, vouched for by the channel, not by an actor.
 * `ChannelLinksService` checks these as the first step of every method that takes a link id.
 * - `unlink`: remove the link.
 */
export const channelLinkAccess = defineAccess('channel link', 'Canal vinculado não encontrado.', {
  unlink: 'owner',
});
