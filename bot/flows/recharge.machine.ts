import { and, assign, enqueueActions, fromPromise, sendParent, setup } from 'xstate';
import * as say from '../render/messages.pt-BR';
import * as text from '../render/recharge.pt-BR';
import { cardAnswered, cardMiss, cardNamed } from './card-ref';
import { MAX_FAILURES, promptState, YES_NO_OPTIONS } from './prompt';
import type { ResumeInput } from './pause';
import type { CardRef, Utterance } from '../understanding';
import type { CardSummary, Choice, CreatedRecharge, FlowEvent, GiveUpEvent, Outcome, SayEvent, WalletPorts } from './types';

interface RechargeContext {
  citizenId: string;
  /** Idempotency key prefix of the order: the conversation; the turn that confirmed it completes the key. */
  keyPrefix: string;
  /** The active cards, in the order the pick step lists them. */
  cards: CardSummary[];
  /** Every card of the citizen, so a card named by its digits that is not active is reported, never replaced. */
  allCards: CardSummary[];
  /** The card the citizen named when asking ("recarga no cartão final 4868"), until it is looked up. */
  named: CardRef | null;
  cardId: string | null;
  /** The amount, in centavos: from the request or the amount step; only ever kept within `limits`, once checked. */
  amountCents: number | null;
  /** The least and most one order may be (the Pix configuration); null when Pix recharges are not available. */
  limits: { minCents: number; maxCents: number } | null;
  failures: number;
}

function cardChoices(cards: CardSummary[]): Choice[] {
  return cards.map((card) => ({ label: text.cardLabel(card.masked), value: card.masked.slice(-4) }));
}

/** The card an answer names among the active ones: an option shown, its last four digits, or its place in the list. */
function cardIn(context: RechargeContext, utterance: Utterance): CardSummary | null {
  return cardAnswered(context.cards, cardChoices(context.cards), utterance);
}

/** A card named by its digits that exists but is not active: blocked or cancelled. */
function namedInactive(context: RechargeContext, ref: CardRef | null): CardSummary | null {
  if (!ref || !('last4' in ref)) return null;
  const card = cardNamed(context.allCards, ref);
  return card && card.status !== 'active' ? card : null;
}

function inRange(context: RechargeContext, amountCents: number | null | undefined): boolean {
  const { limits } = context;
  return (
    limits !== null &&
    typeof amountCents === 'number' &&
    Number.isSafeInteger(amountCents) &&
    amountCents >= limits.minCents &&
    amountCents <= limits.maxCents
  );
}

function answeredAmount(event: FlowEvent): number | null {
  return event.type === 'INPUT' ? (event.utterance.slots.amountCents ?? null) : null;
}

function selectedMasked(context: RechargeContext): string {
  return context.cards.find((card) => card.id === context.cardId)?.masked ?? '';
}

/**
 * Recharge by Pix ("quero recarregar", "coloca 20 reais no meu cartão", "recarga de R$ 15,50 no cartão final 4868"): the
 * card (asked only when the citizen has several active ones and named none), the amount (within the order limits), an
 * explicit confirmation, then ONE call to the same service as `POST /v1/cards/{id}/recharge-orders`, keyed by the
 * confirming turn, and the Pix to pay: the QR code where the channel shows images and the copy-and-paste code alone in
 * its own message. The balance changes only when the payment arrives (a proactive notice says so).
 */
export function createRechargeMachine(ports: WalletPorts) {
  return setup({
    types: {
      context: {} as RechargeContext,
      // `resume`: read by `resumable` (bot/flows/pause.ts), which starts the flow at a paused step.
      input: {} as { citizenId: string; keyPrefix: string; card?: CardRef; amountCents?: number } & ResumeInput,
      events: {} as FlowEvent,
    },
    actions: {
      askPick: sendParent(({ context }): SayEvent => ({ type: 'SAY', message: text.pickCard(cardChoices(context.cards)) })),
      askAmount: sendParent(({ context }): SayEvent => ({
        type: 'SAY',
        message: text.askAmount(selectedMasked(context), context.limits?.minCents ?? 0, context.limits?.maxCents ?? 0),
      })),
      askConfirm: sendParent(({ context }): SayEvent => ({
        type: 'SAY',
        message: text.confirmRecharge(selectedMasked(context), context.amountCents ?? 0),
      })),
      sayText: sendParent((_, params: { text: string }): SayEvent => ({ type: 'SAY', message: { text: params.text } })),
      sayCreated: enqueueActions(({ context, enqueue }, params: { order: CreatedRecharge }) => {
        for (const message of text.created(selectedMasked(context), params.order)) {
          enqueue.sendParent({ type: 'SAY', message } satisfies SayEvent);
        }
      }),
      sayRequestedOutOfRange: sendParent(({ context }): SayEvent => ({
        type: 'SAY',
        message: {
          text: text.amountOutOfRange(context.amountCents ?? 0, context.limits?.minCents ?? 0, context.limits?.maxCents ?? 0),
        },
      })),
      sayAnswerOutOfRange: sendParent(({ context, event }): SayEvent => ({
        type: 'SAY',
        message: {
          text: text.amountOutOfRange(answeredAmount(event) ?? 0, context.limits?.minCents ?? 0, context.limits?.maxCents ?? 0),
        },
      })),
      rememberCards: assign({
        cards: (_, params: { cards: CardSummary[] }) => params.cards.filter((card) => card.status === 'active'),
        allCards: (_, params: { cards: CardSummary[] }) => params.cards,
      }),
      pickNamedCard: assign({ cardId: ({ context }) => cardNamed(context.cards, context.named)?.id ?? null }),
      sayNamedNotActive: sendParent(({ context }): SayEvent => {
        const card = namedInactive(context, context.named);
        return { type: 'SAY', message: { text: text.cardNotActive(card?.masked ?? '', card?.status ?? 'blocked') } };
      }),
      sayNamedNotFound: sendParent(({ context }): SayEvent => ({
        type: 'SAY',
        message: { text: text.cardNotFound(cardMiss(context.cards, context.named)) },
      })),
      sayAnswerNotActive: sendParent(({ context, event }): SayEvent => {
        const card = event.type === 'INPUT' ? namedInactive(context, event.utterance.slots.card ?? null) : null;
        return { type: 'SAY', message: { text: text.cardNotActive(card?.masked ?? '', card?.status ?? 'blocked') } };
      }),
      pickOnlyCard: assign({ cardId: ({ context }) => context.cards[0]?.id ?? null }),
      pickCard: assign({
        cardId: ({ context, event }) => (event.type === 'INPUT' ? (cardIn(context, event.utterance)?.id ?? null) : null),
        // "o 7712, 50 reais": an amount typed with the card is kept for the amount step (checked there like any other).
        amountCents: ({ context, event }) =>
          inRange(context, answeredAmount(event)) ? answeredAmount(event) : context.amountCents,
        failures: 0,
      }),
      pickAmount: assign({ amountCents: ({ event }) => answeredAmount(event), failures: 0 }),
      forgetAmount: assign({ amountCents: null }),
      countFailure: assign({ failures: ({ context }) => context.failures + 1 }),
      giveUp: sendParent((): GiveUpEvent => ({ type: 'GIVE_UP' })),
    },
    guards: {
      pixUnavailable: ({ context }) => context.limits === null,
      noActiveCards: ({ context }) => context.cards.length === 0,
      oneActiveCard: ({ context }) => context.cards.length === 1,
      severalCards: ({ context }) => context.cards.length > 1,
      validCard: ({ context, event }) => event.type === 'INPUT' && cardIn(context, event.utterance) !== null,
      answerNamesInactiveCard: ({ context, event }) =>
        event.type === 'INPUT' && namedInactive(context, event.utterance.slots.card ?? null) !== null,
      namedCard: ({ context }) => context.named !== null,
      namedInactive: ({ context }) => namedInactive(context, context.named) !== null,
      namedActive: ({ context }) => cardNamed(context.cards, context.named) !== null,
      amountGiven: ({ context }) => context.amountCents !== null,
      amountInRange: ({ context }) => inRange(context, context.amountCents),
      validAmount: ({ context, event }) => inRange(context, answeredAmount(event)),
      otherAmount: ({ context, event }) => answeredAmount(event) !== null && answeredAmount(event) !== context.amountCents,
      answerOutOfRange: ({ context, event }) => answeredAmount(event) !== null && !inRange(context, answeredAmount(event)),
      saidYes: ({ event }) => event.type === 'INPUT' && event.utterance.yesNo === true,
      saidNo: ({ event }) => event.type === 'INPUT' && event.utterance.yesNo === false,
      tooManyFailures: ({ context }) => context.failures + 1 >= MAX_FAILURES,
      created: (_, params: { outcome: Outcome<{ order: CreatedRecharge }> }) => params.outcome.ok,
    },
    actors: {
      listCards: fromPromise<CardSummary[], { citizenId: string }>(({ input }) => ports.listCards(input.citizenId)),
      createRecharge: fromPromise<
        Outcome<{ order: CreatedRecharge }>,
        { citizenId: string; cardId: string; amountCents: number; key: string }
      >(({ input }) => ports.createRecharge(input.citizenId, input.cardId, input.amountCents, input.key)),
    },
  }).createMachine({
    id: 'recharge',
    context: ({ input }) => ({
      citizenId: input.citizenId,
      keyPrefix: input.keyPrefix,
      cards: [],
      allCards: [],
      named: input.card ?? null,
      cardId: null,
      amountCents: input.amountCents ?? null,
      limits: ports.rechargeLimits(),
      failures: 0,
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
        // A card the citizen named is that card or none: one that is not active, or that they do not have, is said so
        // and the active ones are offered as a choice (even a single one), never silently put in its place.
        always: [
          { guard: 'pixUnavailable', target: 'done', actions: { type: 'sayText', params: { text: text.UNAVAILABLE } } },
          { guard: and(['namedInactive', 'noActiveCards']), target: 'done', actions: 'sayNamedNotActive' },
          { guard: 'namedInactive', target: 'pick', actions: 'sayNamedNotActive' },
          { guard: 'namedActive', target: 'afterCard', actions: 'pickNamedCard' },
          {
            guard: and(['namedCard', 'noActiveCards']),
            target: 'done',
            actions: ['sayNamedNotFound', { type: 'sayText', params: { text: text.NO_ACTIVE_CARDS } }],
          },
          { guard: 'namedCard', target: 'pick', actions: 'sayNamedNotFound' },
          { guard: 'noActiveCards', target: 'done', actions: { type: 'sayText', params: { text: text.NO_ACTIVE_CARDS } } },
          { guard: 'oneActiveCard', target: 'afterCard', actions: 'pickOnlyCard' },
          { target: 'pick' },
        ],
      },
      afterCard: {
        // An amount given in the request is checked like one typed at the amount step.
        always: [
          { guard: 'amountInRange', target: 'confirm' },
          { guard: 'amountGiven', target: 'amount', actions: ['sayRequestedOutOfRange', 'forgetAmount'] },
          { target: 'amount' },
        ],
      },
      pick: promptState({
        ask: 'askPick',
        expecting: { at: 'recharge.card' },
        answers: [
          { guard: 'validCard', target: 'afterCard', actions: 'pickCard' },
          { guard: 'answerNamesInactiveCard', actions: ['sayAnswerNotActive', 'askPick'] },
          // "50 reais" where the card is asked: the amount is kept (never read as a card ending in 50), the card asked again.
          { guard: 'validAmount', actions: ['pickAmount', 'askPick'] },
        ],
        invalid: { type: 'sayText', params: { text: text.INVALID.pick } },
        help: { type: 'sayText', params: { text: text.HELP.pick } },
      }),
      amount: promptState({
        ask: 'askAmount',
        expecting: { at: 'recharge.amount' },
        answers: [
          { guard: 'validAmount', target: 'confirm', actions: 'pickAmount' },
          // An amount, but outside the limits: the limits are said and the amount asked again (not a misunderstanding).
          { guard: 'answerOutOfRange', actions: ['sayAnswerOutOfRange', 'askAmount'] },
        ],
        invalid: { type: 'sayText', params: { text: text.INVALID.amount } },
        help: { type: 'sayText', params: { text: text.HELP.amount } },
        back: [{ guard: 'severalCards', target: 'pick' }, { actions: 'askAmount' }],
      }),
      confirm: promptState({
        ask: 'askConfirm',
        expecting: { at: 'recharge.confirm', options: YES_NO_OPTIONS },
        answers: [
          // "sim, quer dizer, 30 so", "nao, coloca 15": another amount is no yes to the one shown. A valid one is confirmed in
          // its turn; one outside the limits is said so and the amount asked again. Nothing is ordered on this turn.
          { guard: and(['otherAmount', 'validAmount']), actions: ['pickAmount', 'askConfirm'] },
          { guard: 'otherAmount', target: 'amount', actions: ['sayAnswerOutOfRange', 'forgetAmount'] },
          { guard: 'saidYes', target: 'ordering' },
          { guard: 'saidNo', target: 'done', actions: { type: 'sayText', params: { text: text.DECLINED } } },
        ],
        invalid: { type: 'sayText', params: { text: text.INVALID.confirm } },
        help: { type: 'sayText', params: { text: text.HELP.confirm } },
        back: { target: 'amount', actions: 'forgetAmount' },
      }),
      ordering: {
        tags: ['busy'],
        invoke: {
          id: 'createRecharge',
          src: 'createRecharge',
          input: ({ context, event }) => ({
            citizenId: context.citizenId,
            cardId: context.cardId ?? '',
            amountCents: context.amountCents ?? 0,
            // The confirming turn's id: a turn delivered again (or rerun after a lost race) answers the same order.
            key: `${context.keyPrefix}:recharge:${context.cardId}:${context.amountCents}:${event.type === 'INPUT' ? event.turnId : ''}`,
          }),
          onDone: [
            {
              guard: { type: 'created', params: ({ event }) => ({ outcome: event.output }) },
              target: 'done',
              actions: {
                type: 'sayCreated',
                params: ({ event }) => ({ order: (event.output as { ok: true; order: CreatedRecharge }).order }),
              },
            },
            {
              target: 'done',
              actions: {
                type: 'sayText',
                params: ({ event }) => ({ text: text.refused(event.output.ok ? '' : event.output.message) }),
              },
            },
          ],
          onError: { target: 'done', actions: { type: 'sayText', params: { text: say.SERVICE_ERROR } } },
        },
      },
      done: { type: 'final' },
    },
  });
}
