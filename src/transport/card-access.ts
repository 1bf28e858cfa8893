import { defineAccess } from '../shared/access';

/**
 * Who may do what with a transport card, declared once. Every card is its citizen's alone: no admin reads or moves
 * another citizen's card through these operations, and anyone else's card answers `not-found` like a missing one.
 * The one exception is the simulated recharge (credit without a payment): citizens recharge by Pix, so crediting a card
 * for free is an operator's tool (tests, demos, support), for admins only, on any card, and off in production unless
 * configured (`CardsConfig.simulatedRecharges`).
 * `CardsService` checks these as the first step of every method that takes a card id.
 */
export const cardAccess = defineAccess('card', 'Cartão não encontrado.', {
  read: 'owner',
  recharge: 'admin',
  debit: 'owner',
  block: 'owner',
  replace: 'owner',
});
