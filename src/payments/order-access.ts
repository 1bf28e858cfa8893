import { defineAccess } from '../shared/access';

/**
 * Who may do what with a recharge order: each is its citizen's alone (another citizen's answers `not-found`, like a
 * missing one), as their cards are.
 */
export const orderAccess = defineAccess('recharge-order', 'Pedido de recarga não encontrado.', {
  create: 'owner',
  read: 'owner',
});
