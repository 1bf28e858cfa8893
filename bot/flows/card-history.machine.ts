import { assign, fromPromise, sendParent, setup } from 'xstate';
import * as say from '../render/messages.pt-BR';
import * as text from '../render/card-history.pt-BR';
import { cardAnswered, cardMiss, cardNamed } from './card-ref';
import { MAX_FAILURES, promptState } from './prompt';
import type { ResumeInput } from './pause';
import type { CardRef, Utterance } from '../understanding';
import type { CardMovement, CardSummary, Choice, FlowEvent, SayEvent, WalletPorts, GiveUpEvent } from './types';

interface CardHistoryContext {
  citizenId: string;
  /** Every card of the citizen (any status: a blocked card's statement is still theirs to see), in list order. */
  cards: CardSummary[];
  /** The card the citizen named when asking ("extrato do cartão final 5151"), until it is looked up. */
  named: CardRef | null;
  cardId: string | null;
  /** "e o do outro?" right after this card's statement: its last digits, so the card meant is one of the others. */
  otherThan?: string | null;
  failures: number;
}

function cardChoices(cards: CardSummary[]): Choice[] {
  return cards.map((card) => ({ label: text.cardLabel(card.masked, card.status), value: card.masked.slice(-4) }));
}

/** The card an answer names: an option shown, its last four digits, or its place in the list. */
function cardIn(context: CardHistoryContext, utterance: Utterance): CardSummary | null {
  return cardAnswered(context.cards, cardChoices(context.cards), utterance);
}

/** The cards other than the one whose statement was just shown. */
function othersThan(context: CardHistoryContext): CardSummary[] {
  return context.cards.filter((card) => !card.masked.endsWith(context.otherThan ?? '-'));
}

function selected(context: CardHistoryContext): CardSummary | undefined {
  return context.cards.find((card) => card.id === context.cardId);
}

/**
 * A card's statement: the last movements (recharges, fares) of the card the citizen names, by its last digits or its
 * place, or chooses when they have several; with one card nothing is asked. Only the citizen's own cards are ever
 * offered or looked up: a card named that is not theirs is said so, never replaced by another.
 */
export function createCardHistoryMachine(ports: WalletPorts) {
  return setup({
    types: {
      context: {} as CardHistoryContext,
      // `resume`: read by `resumable` (bot/flows/pause.ts), which starts the flow at a paused step.
      input: {} as { citizenId: string; card?: CardRef; otherThan?: string | null } & ResumeInput,
      // The last digits of the card whose statement was shown, for a follow-up about another one ("e o do outro?").
      output: {} as { shown: string | null },
      events: {} as FlowEvent,
    },
    actions: {
      askPick: sendParent(({ context }): SayEvent => ({ type: 'SAY', message: text.pickCard(cardChoices(context.cards)) })),
      sayText: sendParent((_, params: { text: string }): SayEvent => ({ type: 'SAY', message: { text: params.text } })),
      sayHistory: sendParent(({ context }, params: { movements: CardMovement[] }): SayEvent => ({
        type: 'SAY',
        message: { text: text.history(selected(context)?.masked ?? '', params.movements) },
      })),
      sayNamedNotFound: sendParent(({ context }): SayEvent => ({
        type: 'SAY',
        message: { text: text.cardNotFound(cardMiss(context.cards, context.named)) },
      })),
      rememberCards: assign({ cards: (_, params: { cards: CardSummary[] }) => params.cards }),
      pickNamedCard: assign({ cardId: ({ context }) => cardNamed(context.cards, context.named)?.id ?? null }),
      pickOnlyCard: assign({ cardId: ({ context }) => context.cards[0]?.id ?? null }),
      pickOtherCard: assign({ cardId: ({ context }) => othersThan(context)[0]?.id ?? null }),
      pickCard: assign({
        cardId: ({ context, event }) => (event.type === 'INPUT' ? (cardIn(context, event.utterance)?.id ?? null) : null),
        failures: 0,
      }),
      countFailure: assign({ failures: ({ context }) => context.failures + 1 }),
      giveUp: sendParent((): GiveUpEvent => ({ type: 'GIVE_UP' })),
    },
    guards: {
      noCards: ({ context }) => context.cards.length === 0,
      oneCard: ({ context }) => context.cards.length === 1,
      oneOtherCard: ({ context }) => !!context.otherThan && othersThan(context).length === 1,
      namedCard: ({ context }) => context.named !== null,
      namedOwnCard: ({ context }) => cardNamed(context.cards, context.named) !== null,
      answerNamesOwnCard: ({ context, event }) => event.type === 'INPUT' && cardIn(context, event.utterance) !== null,
      tooManyFailures: ({ context }) => context.failures + 1 >= MAX_FAILURES,
    },
    actors: {
      listCards: fromPromise<CardSummary[], { citizenId: string }>(({ input }) => ports.listCards(input.citizenId)),
      cardHistory: fromPromise<CardMovement[], { citizenId: string; cardId: string }>(({ input }) =>
        ports.cardHistory(input.citizenId, input.cardId, text.HISTORY_SIZE),
      ),
    },
  }).createMachine({
    id: 'cardHistory',
    context: ({ input }) => ({
      citizenId: input.citizenId,
      cards: [],
      named: input.card ?? null,
      cardId: null,
      otherThan: input.otherThan ?? null,
      failures: 0,
    }),
    output: ({ context }) => ({ shown: selected(context)?.masked.slice(-4) ?? null }),
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
          { guard: 'noCards', target: 'done', actions: { type: 'sayText', params: { text: text.NO_CARDS } } },
          { guard: 'namedOwnCard', target: 'loadingHistory', actions: 'pickNamedCard' },
          // "e o do outro?" with two cards: the one whose statement was not just shown; with more, the citizen picks.
          { guard: 'oneOtherCard', target: 'loadingHistory', actions: 'pickOtherCard' },
          // A card named that the citizen does not have: said so, and their own cards offered, even a single one.
          { guard: 'namedCard', target: 'pick', actions: 'sayNamedNotFound' },
          { guard: 'oneCard', target: 'loadingHistory', actions: 'pickOnlyCard' },
          { target: 'pick' },
        ],
      },
      pick: promptState({
        ask: 'askPick',
        expecting: { at: 'history.card' },
        answers: [{ guard: 'answerNamesOwnCard', target: 'loadingHistory', actions: 'pickCard' }],
        invalid: { type: 'sayText', params: { text: text.INVALID } },
        help: { type: 'sayText', params: { text: text.HELP } },
      }),
      loadingHistory: {
        tags: ['busy'],
        invoke: {
          id: 'cardHistory',
          src: 'cardHistory',
          input: ({ context }) => ({ citizenId: context.citizenId, cardId: context.cardId ?? '' }),
          onDone: { target: 'done', actions: { type: 'sayHistory', params: ({ event }) => ({ movements: event.output }) } },
          onError: { target: 'done', actions: { type: 'sayText', params: { text: say.SERVICE_ERROR } } },
        },
      },
      done: { type: 'final' },
    },
  });
}
