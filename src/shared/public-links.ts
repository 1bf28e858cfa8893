/**
 * The absolute addresses the domain puts in what it sends citizens (e-mails, a share's URL and QR code). The routes
 * belong to the edges that serve them (the REST edge's pages and endpoints, the chat edge's web chat), so the domain
 * asks for a link by what it is for and never names a route; the composition root (src/main.ts) builds the
 * implementation from the edges and the configured public base URL (PUBLIC_BASE_URL).
 */
export interface PublicLinks {
  /** The page that undoes an e-mail change, with the undo code in the fragment (never sent to a server or a log). */
  undoEmail(code: string): string;
  /** The page that sets a new password, with the single-use reset token in the fragment. */
  passwordReset(token: string): string;
  /** Where anyone holding a share's token verifies the shared document. */
  verifyShare(token: string): string;
  /** The city's web chat. */
  chat(): string;
}

/**
 * For the operator commands (scripts/), which build the services without the edges and send nothing with a link: a
 * link asked for there fails at once instead of going out wrong.
 */
export const NO_PUBLIC_LINKS: PublicLinks = {
  undoEmail: unavailable,
  passwordReset: unavailable,
  verifyShare: unavailable,
  chat: unavailable,
};

function unavailable(): never {
  throw new Error('public links are only known to the running app (src/main.ts builds them from its edges)');
}
