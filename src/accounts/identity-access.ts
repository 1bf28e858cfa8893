import { defineAccess } from '../shared/access';

/**
 * Who may do what with the provider identities (Google, Meta) linked to an account: its holder alone, admins included
 * (a link is a way into the account: nobody else has a reason to add or remove one). The not-found message of a
 * missing link names the provider, so the service words it.
 */
export const identityAccess = defineAccess('identity', 'Conta vinculada não encontrada.', {
  list: 'owner',
  link: 'owner',
  unlink: 'owner',
});
