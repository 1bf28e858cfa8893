import { defineAccess } from '../shared/access';

/**
 * Who may do what with an account, by its id (a user record's owner is the account itself). The holder's own profile,
 * password, second factor and export take no id: they act on the caller's account and need no rule.
 * - `erase`: LGPD erasure: the holder, or an admin.
 * - `manage`: list accounts, read one, change its profile, role or status: admins only.
 */
export const userAccess = defineAccess('user', 'Usuário não encontrado.', {
  erase: 'owner-or-admin',
  manage: 'admin',
});

export type UserAction = keyof typeof userAccess.rules;
