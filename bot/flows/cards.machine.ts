import * as text from '../render/card-history.pt-BR';
import { createListingMachine } from './listing.machine';
import type { WalletPorts } from './types';

/** "quais cartões eu tenho": each card's last digits and status (no balance: that is "Consultar saldo"). */
export function createCardsMachine(ports: WalletPorts) {
  return createListingMachine({
    id: 'cards',
    load: 'listCards',
    fetch: (citizenId) => ports.listCards(citizenId),
    render: text.cardList,
  });
}
