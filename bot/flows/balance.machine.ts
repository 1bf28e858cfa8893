import { fromPromise, sendParent, setup } from 'xstate';
import * as say from '../render/messages.pt-BR';
import type { CardSummary, FlowEvent, SayEvent, WalletPorts } from './types';

/** 1 · Consultar saldo: the balance of every card, in pt-BR money. No questions asked. */
export function createBalanceMachine(ports: WalletPorts) {
  return setup({
    types: {
      context: {} as { citizenId: string },
      input: {} as { citizenId: string },
      events: {} as FlowEvent,
    },
    actions: {
      sayBalances: sendParent((_, params: { cards: CardSummary[] }): SayEvent => ({
        type: 'SAY',
        message: { text: say.balances(params.cards) },
      })),
      sayServiceError: sendParent((): SayEvent => ({ type: 'SAY', message: { text: say.SERVICE_ERROR } })),
    },
    actors: {
      listCards: fromPromise<CardSummary[], { citizenId: string }>(({ input }) => ports.listCards(input.citizenId)),
    },
  }).createMachine({
    id: 'balance',
    context: ({ input }) => ({ citizenId: input.citizenId }),
    initial: 'loading',
    states: {
      loading: {
        tags: ['busy'],
        invoke: {
          id: 'listCards',
          src: 'listCards',
          input: ({ context }) => ({ citizenId: context.citizenId }),
          onDone: { target: 'done', actions: { type: 'sayBalances', params: ({ event }) => ({ cards: event.output }) } },
          onError: { target: 'done', actions: 'sayServiceError' },
        },
      },
      done: { type: 'final' },
    },
  });
}
