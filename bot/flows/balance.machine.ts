import * as say from '../render/messages.pt-BR';
import { createListingMachine } from './listing.machine';
import type { WalletPorts } from './types';

/** 1 · Consultar saldo: the balance of every card, in pt-BR money. No questions asked. */
export function createBalanceMachine(ports: WalletPorts) {
  return createListingMachine({
    id: 'balance',
    load: 'listCards',
    fetch: (citizenId) => ports.listCards(citizenId),
    render: say.balances,
  });
}
