import * as say from '../render/messages.pt-BR';
import { createListingMachine } from './listing.machine';
import type { WalletPorts } from './types';

/** 4 · Ver meus documentos: type label and masked number of each saved document. */
export function createDocumentsMachine(ports: WalletPorts) {
  return createListingMachine({
    id: 'documents',
    load: 'listDocuments',
    fetch: (citizenId) => ports.listDocuments(citizenId),
    render: say.documentList,
  });
}
