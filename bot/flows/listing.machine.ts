import { fromPromise, sendParent, setup } from 'xstate';
import * as say from '../render/messages.pt-BR';
import type { FlowEvent, SayEvent } from './types';

/**
 * A flow that asks nothing: load the citizen's items through one service call and say them. Balance (1) and
 * "ver meus documentos" (4) are two machines built from this one shape.
 */
export function createListingMachine<Item>(options: {
  id: string;
  /** Name of the service call (the invoke id: `xstate.done.actor.<load>`). */
  load: string;
  fetch: (citizenId: string) => Promise<Item[]>;
  render: (items: Item[]) => string;
}) {
  return setup({
    types: {
      context: {} as { citizenId: string },
      input: {} as { citizenId: string },
      events: {} as FlowEvent,
    },
    actions: {
      sayItems: sendParent((_, params: { items: Item[] }): SayEvent => ({
        type: 'SAY',
        message: { text: options.render(params.items) },
      })),
      sayServiceError: sendParent((): SayEvent => ({ type: 'SAY', message: { text: say.SERVICE_ERROR } })),
    },
    actors: {
      load: fromPromise<Item[], { citizenId: string }>(({ input }) => options.fetch(input.citizenId)),
    },
  }).createMachine({
    id: options.id,
    context: ({ input }) => ({ citizenId: input.citizenId }),
    initial: 'loading',
    states: {
      loading: {
        tags: ['busy'],
        invoke: {
          id: options.load,
          src: 'load',
          input: ({ context }) => ({ citizenId: context.citizenId }),
          onDone: { target: 'done', actions: { type: 'sayItems', params: ({ event }) => ({ items: event.output }) } },
          onError: { target: 'done', actions: 'sayServiceError' },
        },
      },
      done: { type: 'final' },
    },
  });
}
