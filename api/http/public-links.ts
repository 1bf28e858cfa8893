import type { PublicLinks } from '../../src/shared/public-links';
import { PASSWORD_RESET_PAGE, UNDO_EMAIL_PAGE } from './account-pages';

/** `GET /v1/verify/{token}` (api/controllers/VerifyController.ts): the share's token is the last path segment. */
const VERIFY_SHARE = '/v1/verify/';

/** The REST edge's part of the domain's {@link PublicLinks}: its pages and endpoints under the public base URL. */
export function restLinks(publicBaseUrl: string): Omit<PublicLinks, 'chat'> {
  return {
    undoEmail: (code) => `${publicBaseUrl}${UNDO_EMAIL_PAGE}#token=${code}`,
    passwordReset: (token) => `${publicBaseUrl}${PASSWORD_RESET_PAGE}#token=${token}`,
    verifyShare: (token) => `${publicBaseUrl}${VERIFY_SHARE}${token}`,
  };
}
