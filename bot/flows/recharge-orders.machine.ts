import * as text from '../render/recharge.pt-BR';
import { createListingMachine } from './listing.machine';
import type { WalletPorts } from './types';

/** "status do pix", "minhas recargas por pix": the latest Pix recharge orders with their status. No questions asked. */
export function createRechargeOrdersMachine(ports: WalletPorts) {
  return createListingMachine({
    id: 'rechargeOrders',
    load: 'listRecharges',
    fetch: (citizenId) => ports.listRecharges(citizenId, text.ORDERS_SHOWN),
    render: text.orderList,
  });
}
