import { and, assign, fromPromise, not, sendParent, setup } from 'xstate';
import * as say from '../render/messages.pt-BR';
import * as text from '../render/cancel-card.pt-BR';
import { cardAnswered, cardMiss, cardNamed } from './card-ref';
import { MAX_FAILURES, promptState, REASON_OPTIONS, YES_NO_OPTIONS } from './prompt';
import type { ResumeInput } from './pause';
import { chooseFrom, type CardRef, type Utterance } from '../understanding';
import type { BlockReason, CardSummary, Choice, FlowEvent, Outcome, SayEvent, WalletPorts, GiveUpEvent } from './types';

interface CancelCardContext {
  citizenId: string;
  /** Idempotency key of the block call: derived from the conversation and the turn that confirmed it. */
  keyPrefix: string;
  /** The channel the citizen is talking on: the block is audited as made through it. */
  channel: string;
  /** The active cards, in the order the pick step lists them. */
  cards: CardSummary[];
  /** Every card of the citizen, so a card named by its digits that is not active is reported, never replaced. */
  allCards: CardSummary[];
  /** The card the citizen named when asking ("perdi meu cartão final 4868"), until it is looked up. */
  named: CardRef | null;
  cardId: string | null;
  reason: BlockReason | null;
  /** The request said the citizen does not know whether it was lost or stolen: told so when the reason is asked. */
  reasonUnsure?: boolean;
  /** Further cards the request named ("bloqueia o 1234 e o 5678"), each handled after the one before is blocked. */
  queue?: CardRef[];
  /** The request asked to block all the cards ("bloqueia todos"): after each block, the next active one. */
  all?: boolean;
  /** The cards blocked in this flow so far (masked), when it handles several. */
  blockedHere?: string[];
  failures: number;
}

function cardChoices(cards: CardSummary[]): Choice[] {
  return cards.map((card) => ({ label: text.cardLabel(card.masked), value: card.masked.slice(-4) }));
}

/** The card an answer names among the active ones: an option shown, its last four digits, or its place in the list. */
function cardIn(context: CancelCardContext, utterance: Utterance): CardSummary | null {
  return cardAnswered(context.cards, cardChoices(context.cards), utterance);
}

/** Words that point at another card than the one shown: "o outro", "é no outro", "pro outro cartao". */
const OTHER_CARD = /\b(o|no|pro|e o|era o|foi o) outro( cartao)?\b(?! motivo)/;

/** A card named by its digits that exists but is not active: blocked or cancelled. */
function namedInactive(context: CancelCardContext, ref: CardRef | null): CardSummary | null {
  if (!ref || !('last4' in ref)) return null;
  const card = cardNamed(context.allCards ?? [], ref);
  return card && card.status !== 'active' ? card : null;
}

/** The reason an answer gives: an option shown, or everyday words ("roubaram", "quebrou"). */
function reasonIn(utterance: Utterance): BlockReason | null {
  return chooseFrom(utterance, text.REASONS)?.value ?? utterance.slots.blockReason ?? null;
}

/**
 * The reason told in words with an answer to another step ("o que eu perdi foi o 8127"): never an option's number,
 * which there names a card ("3" at the card step is the third card, not "3. Cartão danificado").
 */
function toldReason(utterance: Utterance): BlockReason | null {
  return utterance.slots.blockReason ?? null;
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
      // `resume`: read by `resumable` (bot/flows/pause.ts), which starts the flow at a paused step.
      input: {} as {
        citizenId: string;
        keyPrefix: string;
        channel: string;
        card?: CardRef;
        moreCards?: CardRef[];
        allCards?: boolean;
        reason?: BlockReason;
        unsureReason?: boolean;
      } & ResumeInput,
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
      // Said before the first card of several: one at a time, each with its own confirmation.
      sayOneAtATime: sendParent(({ context }): SayEvent => ({
        type: 'SAY',
        message: { text: text.oneAtATime(context.queue ?? [], context.all === true) },
      })),
      rememberBlocked: assign({ blockedHere: ({ context }) => [...(context.blockedHere ?? []), selectedMasked(context)] }),
      // The next card named: looked up afresh, with the reason already given.
      takeNextNamed: assign(({ context }) => ({
        named: context.queue?.[0] ?? null,
        queue: (context.queue ?? []).slice(1),
        cardId: null,
        failures: 0,
      })),
      forgetCard: assign({ named: null, cardId: null, failures: 0 }),
      sayOthersKept: sendParent(({ context }): SayEvent => ({
        type: 'SAY',
        message: { text: text.othersKept(context.queue ?? [], context.all === true) },
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
      sayReasonNoted: sendParent(({ context }): SayEvent => ({
        type: 'SAY',
        message: { text: context.reason ? text.reasonNoted(context.reason) : '' },
      })),
      sayReasonProblem: sendParent(({ event }): SayEvent => {
        const slots = event.type === 'INPUT' ? event.utterance.slots : {};
        const problem = slots.unsureReason ? text.UNSURE_REASON : slots.toldWhen ? text.WHEN_NOT_REASON : text.INVALID.reason;
        return { type: 'SAY', message: { text: problem } };
      }),
      pickOnlyCard: assign({ cardId: ({ context }) => context.cards[0]?.id ?? null }),
      // The reason told with the card ("o que eu perdi foi o 8127", "é o 3864 que roubaram") is taken with it; a card
      // named alone keeps the reason already given.
      pickCard: assign({
        cardId: ({ context, event }) => (event.type === 'INPUT' ? (cardIn(context, event.utterance)?.id ?? null) : null),
        reason: ({ context, event }) =>
          event.type === 'INPUT' ? (toldReason(event.utterance) ?? context.reason) : context.reason,
        failures: 0,
      }),
      pickOtherCard: assign({
        cardId: ({ context }) => context.cards.find((card) => card.id !== context.cardId)?.id ?? null,
        failures: 0,
      }),
      keepReason: assign({
        reason: ({ context, event }) =>
          event.type === 'INPUT' ? (toldReason(event.utterance) ?? context.reason) : context.reason,
      }),
      pickReason: assign({
        reason: ({ event }) => (event.type === 'INPUT' ? reasonIn(event.utterance) : null),
        failures: 0,
      }),
      countFailure: assign({ failures: ({ context }) => context.failures + 1 }),
      giveUp: sendParent((): GiveUpEvent => ({ type: 'GIVE_UP' })),
    },
    guards: {
      noActiveCards: ({ context }) => context.cards.length === 0,
      oneActiveCard: ({ context }) => context.cards.length === 1,
      severalCards: ({ context }) => context.cards.length > 1,
      validCard: ({ context, event }) => event.type === 'INPUT' && cardIn(context, event.utterance) !== null,
      /** A reason with no card at the card step ("perdi ele"): kept, and the card asked again. */
      reasonWithoutCard: ({ event }) =>
        event.type === 'INPUT' && !event.utterance.slots.card && toldReason(event.utterance) !== null,
      /** Another card named at the reason step ("pera, errei, é o 3864"): the card is corrected. */
      otherCard: ({ context, event }) => {
        if (event.type !== 'INPUT' || !event.utterance.slots.card) return false;
        const card = cardNamed(context.cards, event.utterance.slots.card);
        return card !== null && card.id !== context.cardId;
      },
      /** "o outro", "é no outro cartao": the card meant is another than the one shown. */
      pointsAtOtherCard: ({ event }) => event.type === 'INPUT' && OTHER_CARD.test(event.utterance.simple),
      oneMoreActiveCard: ({ context }) => context.cards.filter((card) => card.id !== context.cardId).length === 1,
      answerNamesInactiveCard: ({ context, event }) =>
        event.type === 'INPUT' && namedInactive(context, event.utterance.slots.card ?? null) !== null,
      namedCard: ({ context }) => context.named !== null,
      namedInactive: ({ context }) => namedInactive(context, context.named) !== null,
      namedActive: ({ context }) => cardNamed(context.cards, context.named) !== null,
      reasonKnown: ({ context }) => context.reason !== null,
      requestUnsure: ({ context }) => context.reasonUnsure === true,
      validReason: ({ event }) => event.type === 'INPUT' && reasonIn(event.utterance) !== null,
      saidYes: ({ event }) => event.type === 'INPUT' && event.utterance.yesNo === true,
      saidNo: ({ event }) => event.type === 'INPUT' && event.utterance.yesNo === false,
      tooManyFailures: ({ context }) => context.failures + 1 >= MAX_FAILURES,
      severalAsked: ({ context }) => (context.queue ?? []).length > 0 || context.all === true,
      hasNextNamed: ({ context }) => (context.queue ?? []).length > 0,
      allAsked: ({ context }) => context.all === true,
      blockedSome: ({ context }) => (context.blockedHere ?? []).length > 0,
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
    id: 'cancelCard',
    context: ({ input }) => ({
      citizenId: input.citizenId,
      keyPrefix: input.keyPrefix,
      channel: input.channel,
      cards: [],
      allCards: [],
      named: input.card ?? null,
      cardId: null,
      reason: input.reason ?? null,
      reasonUnsure: input.unsureReason === true,
      queue: input.moreCards ?? [],
      all: input.allCards === true,
      blockedHere: [],
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
          onDone: { target: 'starting', actions: { type: 'rememberCards', params: ({ event }) => ({ cards: event.output }) } },
          onError: { target: 'done', actions: { type: 'sayText', params: { text: say.SERVICE_ERROR } } },
        },
      },
      starting: {
        // Several cards asked for in one message ("bloqueia o 1234 e o 5678", "bloqueia todos"): said plainly before the
        // first that they are handled one at a time, each confirmed. After a block, all blocked ends the flow.
        always: [
          { guard: and(['allAsked', 'blockedSome', 'noActiveCards']), target: 'done' },
          { guard: and(['severalAsked', not('blockedSome'), 'severalCards']), target: 'routing', actions: 'sayOneAtATime' },
          { target: 'routing' },
        ],
      },
      routing: {
        // A card the citizen named is that card or none: one that is not active, or that they do not have, is said so
        // and the active ones are offered as a choice, never silently put in its place.
        always: [
          { guard: and(['namedInactive', 'noActiveCards']), target: 'done', actions: 'sayNamedNotActive' },
          { guard: 'namedInactive', target: 'pick', actions: 'sayNamedNotActive' },
          { guard: 'namedActive', target: 'afterCard', actions: 'pickNamedCard' },
          { guard: and(['namedCard', 'noActiveCards']), target: 'done', actions: 'sayNamedNotFound' },
          { guard: 'namedCard', target: 'pick', actions: 'sayNamedNotFound' },
          {
            guard: 'noActiveCards',
            target: 'done',
            actions: { type: 'sayText', params: { text: text.NO_ACTIVE_CARDS } },
          },
          { guard: 'oneActiveCard', target: 'afterCard', actions: 'pickOnlyCard' },
          { target: 'pick' },
        ],
      },
      afterCard: {
        always: [
          { guard: 'reasonKnown', target: 'confirm' },
          // "nao sei se perdi ou se roubaram meu cartao": the doubt is answered before the reason is asked.
          { guard: 'requestUnsure', target: 'reason', actions: { type: 'sayText', params: { text: text.UNSURE_REASON } } },
          { target: 'reason' },
        ],
      },
      pick: promptState({
        ask: 'askPick',
        expecting: { at: 'block.card' },
        answers: [
          { guard: 'validCard', target: 'afterCard', actions: 'pickCard' },
          { guard: 'answerNamesInactiveCard', actions: ['sayAnswerNotActive', 'askPick'] },
          { guard: 'reasonWithoutCard', actions: ['keepReason', 'sayReasonNoted', 'askPick'] },
        ],
        invalid: { type: 'sayText', params: { text: text.INVALID.pick } },
        help: { type: 'sayText', params: { text: text.HELP.pick } },
      }),
      reason: promptState({
        ask: 'askReason',
        expecting: { at: 'block.reason', options: REASON_OPTIONS },
        answers: [
          { guard: 'otherCard', target: 'afterCard', actions: 'pickCard' },
          { guard: 'answerNamesInactiveCard', actions: ['sayAnswerNotActive', 'askReason'] },
          { guard: 'validReason', target: 'confirm', actions: 'pickReason' },
        ],
        // Not knowing whether it was lost or stolen is no reason: asked which, never guessed (see UNSURE_REASON). Still a
        // miss, so a citizen who cannot say is not asked forever: the flow pauses with the card kept.
        invalid: 'sayReasonProblem',
        help: { type: 'sayText', params: { text: text.HELP.reason } },
        back: [{ guard: 'severalCards', target: 'pick' }, { actions: 'askReason' }],
      }),
      confirm: promptState({
        ask: 'askConfirm',
        expecting: { at: 'block.confirm', options: YES_NO_OPTIONS },
        answers: [
          // "nao, é o de final 3321", "nao, o outro": the card is corrected, not the block declined. The card meant is
          // offered for confirmation with the reason kept; nothing is blocked until a yes to it.
          { guard: 'otherCard', target: 'afterCard', actions: 'pickCard' },
          { guard: 'answerNamesInactiveCard', actions: ['sayAnswerNotActive', 'askConfirm'] },
          { guard: and(['pointsAtOtherCard', 'oneMoreActiveCard']), target: 'afterCard', actions: 'pickOtherCard' },
          { guard: 'pointsAtOtherCard', target: 'pick' },
          { guard: 'saidYes', target: 'blocking' },
          {
            guard: and(['saidNo', 'severalAsked']),
            target: 'done',
            actions: [{ type: 'sayText', params: { text: text.KEPT_ACTIVE } }, 'sayOthersKept'],
          },
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
              target: 'afterBlock',
              actions: [
                {
                  type: 'sayBlocked',
                  params: ({ event }) => ({ protocol: event.output.ok ? event.output.protocol : '' }),
                },
                'rememberBlocked',
              ],
            },
            {
              target: 'done',
              actions: { type: 'sayText', params: ({ event }) => ({ text: event.output.ok ? '' : event.output.message }) },
            },
          ],
          onError: { target: 'done', actions: { type: 'sayText', params: { text: say.SERVICE_ERROR } } },
        },
      },
      afterBlock: {
        // The next card of several: the next one named, or (all asked) the active ones left, looked up afresh.
        always: [
          { guard: 'hasNextNamed', target: 'loading', actions: 'takeNextNamed' },
          { guard: 'allAsked', target: 'loading', actions: 'forgetCard' },
          { target: 'done' },
        ],
      },
      done: { type: 'final' },
    },
  });
}
