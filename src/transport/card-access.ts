import { defineAccess } from '../shared/access';

/**
 * Who may do what with a transport card, declared once. Every card is its citizen's alone: no admin reads or moves
 * another citizen's card through these operations, and anyone else's card answers `not-found` like a missing one.
 * `CardsService` checks these as the first step of every method that takes a card id.
 */
export const cardAccess = defineAccess('card', 'Cartão não encontrado.', {
  read: 'owner',
  recharge: 'owner',
  debit: 'owner',
  block: 'owner',
  replace: 'owner',
});
