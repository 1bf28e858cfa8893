import { assign, fromPromise, sendParent, setup } from 'xstate';
import * as say from '../render/messages.pt-BR';
import * as text from '../render/cancel-card.pt-BR';
import { MAX_FAILURES, promptState } from './prompt';
import { chooseFrom } from '../understanding';
import type { BlockReason, CardSummary, Choice, FlowEvent, Outcome, SayEvent, WalletPorts } from './types';

interface CancelCardContext {
  citizenId: string;
  /** Idempotency key of the block call: derived from the conversation and the turn that confirmed it. */
  keyPrefix: string;
  /** The channel the citizen is talking on: the block is audited as made through it. */
  channel: string;
  cards: CardSummary[];
  cardId: string | null;
  reason: BlockReason | null;
  failures: number;
  /** Set when the flow ended after too many invalid answers. */
  gaveUp: boolean;
}

function cardChoices(cards: CardSummary[]): Choice[] {
  return cards.map((card) => ({ label: text.cardLabel(card.masked), value: card.masked.slice(-4) }));
}

function selectedMasked(context: CancelCardContext): string {
  return context.cards.find((card) => card.id === context.cardId)?.masked ?? '';
}

/**
 * 2 · Cancelar um cartão: choose the card (when there are several active ones), the reason, an explicit confirmation,
 * then the card is blocked through the same transport service as the REST API and the protocol number is shown.
 */
export function createCancelCardMachine(ports: WalletPorts) {
  return setup({
    types: {
      context: {} as CancelCardContext,
      input: {} as { citizenId: string; keyPrefix: string; channel: string },
      events: {} as FlowEvent,
    },
    actions: {
      askPick: sendParent(({ context }): SayEvent => ({ type: 'SAY', message: text.pickCard(cardChoices(context.cards)) })),
      askReason: sendParent(({ context }): SayEvent => ({ type: 'SAY', message: text.askReason(selectedMasked(context)) })),
      askConfirm: sendParent(({ context }): SayEvent => ({
        type: 'SAY',
        message: text.confirmBlock(selectedMasked(context), context.reason),
      })),
      sayText: sendParent((_, params: { text: string }): SayEvent => ({ type: 'SAY', message: { text: params.text } })),
      sayBlocked: sendParent(({ context }, params: { protocol: string }): SayEvent => ({
        type: 'SAY',
        message: { text: text.blocked(selectedMasked(context), params.protocol) },
      })),
      rememberCards: assign({
        cards: (_, params: { cards: CardSummary[] }) => params.cards.filter((card) => card.status === 'active'),
      }),
      pickOnlyCard: assign({ cardId: ({ context }) => context.cards[0]?.id ?? null }),
      pickCard: assign({
        cardId: ({ context, event }) => {
          const choice = event.type === 'INPUT' ? chooseFrom(event.utterance, cardChoices(context.cards)) : null;
          return context.cards.find((card) => card.masked.endsWith(choice?.value ?? '∅'))?.id ?? null;
        },
        failures: 0,
      }),
      pickReason: assign({
        reason: ({ event }) => (event.type === 'INPUT' ? (chooseFrom(event.utterance, text.REASONS)?.value ?? null) : null),
        failures: 0,
      }),
      countFailure: assign({ failures: ({ context }) => context.failures + 1 }),
      markGaveUp: assign({ gaveUp: true }),
    },
    guards: {
      noActiveCards: ({ context }) => context.cards.length === 0,
      oneActiveCard: ({ context }) => context.cards.length === 1,
      severalCards: ({ context }) => context.cards.length > 1,
      validCard: ({ context, event }) =>
        event.type === 'INPUT' && chooseFrom(event.utterance, cardChoices(context.cards)) !== null,
      validReason: ({ event }) => event.type === 'INPUT' && chooseFrom(event.utterance, text.REASONS) !== null,
      saidYes: ({ event }) => event.type === 'INPUT' && event.utterance.yesNo === true,
      saidNo: ({ event }) => event.type === 'INPUT' && event.utterance.yesNo === false,
      tooManyFailures: ({ context }) => context.failures + 1 >= MAX_FAILURES,
      blocked: (_, params: { outcome: Outcome<{ protocol: string }> }) => params.outcome.ok,
    },
    actors: {
      listCards: fromPromise<CardSummary[], { citizenId: string }>(({ input }) => ports.listCards(input.citizenId)),
      blockCard: fromPromise<
        Outcome<{ protocol: string }>,
        { citizenId: string; cardId: string; reason: BlockReason; key: string; channel: string }
      >(({ input }) => ports.blockCard(input.citizenId, input.cardId, input.reason, input.key, input.channel)),
    },
  }).createMachine({
    output: ({ context }) => ({ gaveUp: context.gaveUp }),
    id: 'cancelCard',
    context: ({ input }) => ({
      citizenId: input.citizenId,
      keyPrefix: input.keyPrefix,
      channel: input.channel,
      cards: [],
      cardId: null,
      reason: null,
      failures: 0,
      gaveUp: false,
    }),
    initial: 'loading',
    states: {
      loading: {
        tags: ['busy'],
        invoke: {
          id: 'listCards',
          src: 'listCards',
          input: ({ context }) => ({ citizenId: context.citizenId }),
          onDone: { target: 'routing', actions: { type: 'rememberCards', params: ({ event }) => ({ cards: event.output }) } },
          onError: { target: 'done', actions: { type: 'sayText', params: { text: say.SERVICE_ERROR } } },
        },
      },
      routing: {
        always: [
          {
            guard: 'noActiveCards',
            target: 'done',
            actions: { type: 'sayText', params: { text: text.NO_ACTIVE_CARDS } },
          },
          { guard: 'oneActiveCard', target: 'reason', actions: 'pickOnlyCard' },
          { target: 'pick' },
        ],
      },
      pick: promptState({
        ask: 'askPick',
        answers: [{ guard: 'validCard', target: 'reason', actions: 'pickCard' }],
        invalid: { type: 'sayText', params: { text: text.INVALID.pick } },
        help: { type: 'sayText', params: { text: text.HELP.pick } },
      }),
      reason: promptState({
        ask: 'askReason',
        answers: [{ guard: 'validReason', target: 'confirm', actions: 'pickReason' }],
        invalid: { type: 'sayText', params: { text: text.INVALID.reason } },
        help: { type: 'sayText', params: { text: text.HELP.reason } },
        back: [{ guard: 'severalCards', target: 'pick' }, { actions: 'askReason' }],
      }),
      confirm: promptState({
        ask: 'askConfirm',
        answers: [
          { guard: 'saidYes', target: 'blocking' },
          {
            guard: 'saidNo',
            target: 'done',
            actions: { type: 'sayText', params: { text: text.KEPT_ACTIVE } },
          },
        ],
        invalid: { type: 'sayText', params: { text: text.INVALID.confirm } },
        help: { type: 'sayText', params: { text: text.HELP.confirm } },
        back: { target: 'reason' },
      }),
      blocking: {
        tags: ['busy'],
        invoke: {
          id: 'blockCard',
          src: 'blockCard',
          input: ({ context, event }) => ({
            citizenId: context.citizenId,
            cardId: context.cardId ?? '',
            reason: context.reason ?? 'other',
            key: `${context.keyPrefix}:block:${context.cardId}:${event.type === 'INPUT' ? event.turnId : ''}`,
            // Snapshots stored before the channel was kept in the context have none.
            channel: context.channel ?? 'desconhecido',
          }),
          onDone: [
            {
              guard: { type: 'blocked', params: ({ event }) => ({ outcome: event.output }) },
              target: 'done',
              actions: {
                type: 'sayBlocked',
                params: ({ event }) => ({ protocol: event.output.ok ? event.output.protocol : '' }),
              },
            },
            {
              target: 'done',
              actions: { type: 'sayText', params: ({ event }) => ({ text: event.output.ok ? '' : event.output.message }) },
            },
          ],
          onError: { target: 'done', actions: { type: 'sayText', params: { text: say.SERVICE_ERROR } } },
        },
      },
      gaveUp: { type: 'final', entry: 'markGaveUp' },
      done: { type: 'final' },
    },
  });
}
