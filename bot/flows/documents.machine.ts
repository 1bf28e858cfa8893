import { fromPromise, sendParent, setup } from 'xstate';
import * as say from '../render/messages.pt-BR';
import type { DocumentSummary, FlowEvent, SayEvent, WalletPorts } from './types';

/** 4 · Ver meus documentos: type label and masked number of each saved document. */
export function createDocumentsMachine(ports: WalletPorts) {
  return setup({
    types: {
      context: {} as { citizenId: string },
      input: {} as { citizenId: string },
      events: {} as FlowEvent,
    },
    actions: {
      sayDocuments: sendParent((_, params: { documents: DocumentSummary[] }): SayEvent => ({
        type: 'SAY',
        message: { text: say.documentList(params.documents) },
      })),
      sayServiceError: sendParent((): SayEvent => ({ type: 'SAY', message: { text: say.SERVICE_ERROR } })),
    },
    actors: {
      listDocuments: fromPromise<DocumentSummary[], { citizenId: string }>(({ input }) => ports.listDocuments(input.citizenId)),
    },
  }).createMachine({
    id: 'documents',
    context: ({ input }) => ({ citizenId: input.citizenId }),
    initial: 'loading',
    states: {
      loading: {
        tags: ['busy'],
        invoke: {
          id: 'listDocuments',
          src: 'listDocuments',
          input: ({ context }) => ({ citizenId: context.citizenId }),
          onDone: { target: 'done', actions: { type: 'sayDocuments', params: ({ event }) => ({ documents: event.output }) } },
          onError: { target: 'done', actions: 'sayServiceError' },
        },
      },
      done: { type: 'final' },
    },
  });
}
