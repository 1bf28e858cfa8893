import { and, assign, fromPromise, raise, sendTo, setup } from 'xstate';
import * as say from '../render/messages.pt-BR';
import { NOT_BLOCKED } from '../render/cancel-card.pt-BR';
import * as pause from '../render/pause.pt-BR';
import { FLOW_TOPIC, PAUSABLE, resumable, stillPaused, type PausedFlow, type PausedFlowName } from './pause';
import { RESUME_OPTIONS } from './prompt';
import { createBalanceMachine } from './balance.machine';
import { createCancelCardMachine } from './cancel-card.machine';
import { createCardHistoryMachine } from './card-history.machine';
import { createCardsMachine } from './cards.machine';
import { createDocumentsMachine } from './documents.machine';
import { createQuestionMachine } from './question.machine';
import { createSaveDocumentMachine } from './save-document.machine';
import { createRechargeMachine } from './recharge.machine';
import { createRechargeOrdersMachine } from './recharge-orders.machine';
import { NOT_CHARGED } from '../render/recharge.pt-BR';
import { LOW_BALANCE_NEEDS_AMOUNT } from '../render/notices.pt-BR';
import {
  asksToResume,
  chooseFrom,
  type Command,
  type Digression,
  type IntentName,
  type Slots,
  type Utterance,
} from '../understanding';
import type { NoticeRequest } from '../understanding/notice-settings';
import type {
  BotMessage,
  ConversationKey,
  FaqReply,
  FlowName,
  GiveUpEvent,
  LinkedChannelSummary,
  Outcome,
  SayEvent,
  TurnInput,
  WalletPorts,
} from './types';

/**
 * One citizen message, as received and as understood, with the citizen the channel account is linked to at this moment
 * (null = not linked).
 */
export interface UserEvent {
  type: 'USER';
  input: TurnInput;
  utterance: Utterance;
  citizenId: string | null;
  turnId: string;
  /** When the turn arrived, by the app's clock (milliseconds since the epoch). */
  at: number;
}

export type RootEvent = UserEvent | SayEvent | GiveUpEvent | { type: 'FLUSHED' } | { type: 'RESUMED' };

export interface RootContext {
  conversation: ConversationKey;
  citizenId: string | null;
  /** Messages to send at the end of this turn; emptied by FLUSHED once they are sent. */
  outbox: BotMessage[];
  /**
   * A flow asked for before linking; it starts right after a successful `vincular` made within `linkResumeMinutes` of
   * the request with nothing else asked in between (see `stillPending`).
   */
  pendingFlow: FlowName | null;
  /** When that request was made (the turn's `at`); absent in conversations stored before it was recorded. */
  pendingSince?: number | null;
  /**
   * What the request that started (or is waiting to start) a flow already said: the card and the reason of "perdi meu
   * cartão final 4868", the type of "quero guardar minha CNH". The flow asks only what is missing.
   */
  request?: Slots;
  /** The closest FAQ questions to a question asked at the menu that the FAQ could not answer, offered by the question flow. */
  faqSuggestions?: FaqReply['suggestions'];
  /**
   * A request worded as a question, held while the FAQ is asked first (`answeringFirst`): served as a request when the
   * FAQ has no sure answer. Only set within one turn.
   */
  heldRequest?: UserEvent | null;
  /**
   * A flow paused with what the citizen typed (three misses, a goodbye, a digression): offered back at the next
   * message or after the request served in between, within `pausedMinutes`. Absent in conversations stored before.
   */
  paused?: PausedFlow | null;
  /** The paused flow being resumed: read by that flow's invoke, then forgotten. */
  resumeFrom?: PausedFlow | null;
  /**
   * The further requests of a message that made several ("ver meu saldo e bloquear o cartão"), served one by one after
   * the first, each with its own values. Dropped when the citizen cancels. Absent in conversations stored before.
   */
  queued?: Array<{ flow: FlowName; slots: Slots }>;
  /** When the last turn inside a flow arrived (its `at`): the time a flow paused after three misses pauses at. */
  turnAt?: number;
  /**
   * The last digits of the card whose statement was the answer to the message before: "e o do outro?" asks for the
   * statement of another card. Forgotten at the next message. Absent in conversations stored before.
   */
  lastStatement?: string | null;
  /** For the statement flow started by such a follow-up: the card just shown, so "o outro" is one of the others. */
  otherThan?: string | null;
  /**
   * The FAQ entry answered at the menu in this turn: the next message may follow it up ("estudante tem gratuidade?",
   * then "e pra idoso?"). Moved to `faqBefore` when that message arrives. Absent in conversations stored before.
   */
  lastFaq?: FaqFollowed | null;
  /**
   * The FAQ entry answered at the menu in the turn right before this one, the only one a follow-up is read with: one
   * turn, whatever the time in between (the conversation's idle window already ends a conversation gone quiet).
   */
  faqBefore?: FaqFollowed | null;
  /**
   * The low-balance alert's amount was set in answer to the message before: the next message may correct it ("na
   * verdade muda pra 3 reais"). Forgotten at the next message. Absent in conversations stored before.
   */
  alertJustSet?: boolean;
}

/** An entry the FAQ answered at the menu: its question, the topic a follow-up leaves out. */
export interface FaqFollowed {
  id: string;
  question: string;
}

export interface RootOptions {
  /** Minutes within which a request made before linking is resumed by a successful `vincular`. */
  linkResumeMinutes: number;
  /** Minutes a paused flow is kept and offered back (the conversation's idle window, BOT_IDLE_MINUTES). */
  pausedMinutes: number;
}

/** Flows that need to know who the citizen is. */
const NEEDS_CITIZEN: ReadonlySet<FlowName> = new Set([
  'balance',
  'cancelCard',
  'saveDocument',
  'documents',
  'cardHistory',
  'cards',
  'recharge',
  'rechargeOrders',
]);

/** What a greeting, thanks or goodbye is answered with (bot/render/messages.pt-BR.ts `courtesy`). */
const COURTESY_ACTS = ['greeting', 'thanks', 'goodbye'] as const satisfies readonly IntentName[];
type CourtesyAct = (typeof COURTESY_ACTS)[number];

function courtesyAct(act: IntentName | null): CourtesyAct {
  return COURTESY_ACTS.find((courtesy) => courtesy === act) ?? 'greeting';
}

function command(event: RootEvent): Readonly<Command> | null {
  return event.type === 'USER' ? event.utterance.command : null;
}

function intent(event: RootEvent): FlowName | null {
  return event.type === 'USER' ? event.utterance.intent : null;
}

/**
 * What a citizen says while fetching the link code that asks for nothing else: "ok", "pera vou pegar o codigo", "sim",
 * "obrigado", "ja volto", "vincular" without the code. Such a message keeps the request waiting; a request, a question, a command or a greeting
 * (which opens a new conversation) drops it.
 */
const WAITING_ACTS: ReadonlySet<IntentName> = new Set(['out_of_context', 'yes', 'thanks', 'goodbye', 'link_account']);

function asksNothing(utterance: UserEvent['utterance']): boolean {
  return (
    utterance.command === null &&
    utterance.intent === null &&
    utterance.act !== null &&
    WAITING_ACTS.has(utterance.act) &&
    !utterance.faqFirst
  );
}

/**
 * Whether a request waiting for a link still waits once this turn arrives: only `vincular` attempts (a mistyped code
 * included) and messages that ask for nothing else (`asksNothing`) may come between the request and the link, within
 * `minutes` of the request. A request made many minutes earlier, or followed by another request or question, is not
 * resumed by surprise after linking; the menu is shown instead.
 */
function stillPending(context: RootContext, event: UserEvent, minutes: number): boolean {
  if (event.utterance.command?.type !== 'link' && !asksNothing(event.utterance)) return false;
  return typeof context.pendingSince === 'number' && event.at - context.pendingSince <= minutes * 60_000;
}

/** "salvando sua CNH": what the paused flow was doing, as the citizen is reminded of it. */
function doing(paused: PausedFlow | null | undefined): string {
  if (!paused) return '';
  return pause.doing(paused.flow, pausedDocumentType(paused));
}

/** The type of the document a paused save was about, once chosen. */
function pausedDocumentType(paused: PausedFlow): Parameters<typeof pause.doing>[1] {
  const type = paused.flow === 'saveDocument' ? paused.context.type : null;
  return typeof type === 'string' ? (type as Parameters<typeof pause.doing>[1]) : null;
}

/** Who asks the FAQ, for its per-citizen rate limit: the channel and the citizen's id on it. */
function faqClient(conversation: ConversationKey): string {
  return `${conversation.channel}:${conversation.channelUserId}`;
}

/** The FAQ's reply as suggestions: its answer first, then the related questions, three at most. */
function unsure(reply: FaqReply): FaqReply['suggestions'] {
  const { id, question } = reply.answer!;
  return [{ id, question }, ...reply.suggestions.filter((s) => s.id !== id)].slice(0, 3);
}

/** The choices of the offer to resume a paused flow. */
const OFFER_CHOICES = [pause.CONTINUE, pause.DROP];

/**
 * While a flow waits for an answer: a question is answered from the FAQ and the same step asked again; a new request
 * is served with the flow paused, and offered back after; a goodbye pauses it; a moment asked for is waited. None
 * counts as a miss. Only the pausable flows (bot/flows/pause.ts) have these.
 */
const DIGRESSIONS = [
  {
    guard: { type: 'digresses', params: { kind: 'question' } },
    target: '#root.digressing',
    actions: ['rememberCitizen', 'pauseFlow'],
  },
  {
    guard: { type: 'digresses', params: { kind: 'request' } },
    target: '#root.menu',
    actions: ['rememberCitizen', 'pauseFlow', 'serveRequest'],
  },
  {
    guard: { type: 'digresses', params: { kind: 'aside' } },
    target: '#root.resuming',
    actions: ['rememberCitizen', 'pauseFlow', { type: 'enqueue', params: { message: { text: pause.ASIDE } } }],
  },
  {
    // A moment asked for: the step stays as it is, and is answered when the citizen is back.
    guard: { type: 'digresses', params: { kind: 'wait' } },
    actions: ['rememberCitizen', { type: 'enqueue', params: { message: { text: pause.WAITING } } }],
  },
  {
    guard: { type: 'digresses', params: { kind: 'goodbye' } },
    target: '#root.menu',
    actions: ['rememberCitizen', 'pauseFlow', { type: 'sayPaused', params: { why: 'goodbye' } }],
  },
] as const;

function labelOf(flow: FlowName): string {
  return say.MENU.find((item) => item.flow === flow)?.label ?? say.FLOW_LABELS[flow] ?? '';
}

/**
 * The conversation: the menu, global commands, linking, and one child machine per flow. Children talk through SAY
 * events; the root collects them in `outbox` for the engine to send. The whole tree is persisted as one snapshot.
 */
export function createRootMachine(ports: WalletPorts, options: RootOptions) {
  return setup({
    types: {
      context: {} as RootContext,
      input: {} as { conversation: ConversationKey },
      events: {} as RootEvent,
    },
    actions: {
      enqueue: assign({ outbox: ({ context }, params: { message: BotMessage }) => [...context.outbox, params.message] }),
      collect: assign({
        outbox: ({ context, event }) => (event.type === 'SAY' ? [...context.outbox, event.message] : context.outbox),
      }),
      flush: assign({ outbox: [] }),
      // Every citizen turn passes here (each menu transition and the flows' input), so it is also where a request
      // waiting for a link expires: the turn that does not keep it waiting drops it.
      rememberCitizen: assign(({ context, event }) =>
        event.type !== 'USER'
          ? {}
          : {
              citizenId: event.citizenId,
              ...(stillPending(context, event, options.linkResumeMinutes) ? {} : { pendingFlow: null, pendingSince: null }),
              // A follow-up about another card only follows the statement right before it.
              ...(context.lastStatement ? { lastStatement: null } : {}),
              // A correction of the alert's amount only follows the message that set it.
              ...(context.alertJustSet ? { alertJustSet: false } : {}),
              // A follow-up to a FAQ answer only follows the answer right before it.
              ...(context.lastFaq || context.faqBefore ? { faqBefore: context.lastFaq ?? null, lastFaq: null } : {}),
              // A paused flow past the idle window, or another citizen's, is dropped.
              ...(context.paused && !stillPaused(context.paused, event.at, event.citizenId, options.pausedMinutes)
                ? { paused: null }
                : {}),
            },
      ),
      // The running flow's step and values, read from its snapshot as it is before this event: the flow is stopped by
      // the transition that pauses it, and restarted from them by `resumable`.
      // Only inside a flow, where every turn is saved anyway: a look-up at the menu still changes nothing stored.
      noteTurnAt: assign({ turnAt: ({ context, event }) => (event.type === 'USER' ? event.at : context.turnAt) }),
      pauseFlow: assign({
        paused: ({ context, event, self }) => {
          const root = self.getSnapshot() as
            { value?: unknown; children?: Record<string, { getSnapshot(): unknown } | undefined> } | undefined;
          const flow = (root?.value as { flow?: string } | undefined)?.flow;
          const child = root?.children?.flow?.getSnapshot() as
            { value: PausedFlow['step']; context: PausedFlow['context'] } | undefined;
          if (!child || !flow || !PAUSABLE.has(flow)) return context.paused ?? null;
          return {
            flow: flow as PausedFlowName,
            step: child.value,
            context: child.context,
            citizenId: context.citizenId,
            since: event.type === 'USER' ? event.at : (context.turnAt ?? 0),
          };
        },
      }),
      sayPaused: assign({
        outbox: ({ context }, params: { why: 'misses' | 'goodbye' }) => [
          ...context.outbox,
          {
            text:
              params.why === 'misses'
                ? pause.pausedAfterMisses(doing(context.paused))
                : pause.pausedGoodbye(doing(context.paused)),
          },
        ],
      }),
      // The answers to the other questions of a message that asked several, after the first's.
      sayMoreAnswers: assign({
        outbox: ({ context }, params: { reply: FaqReply }) => [
          ...context.outbox,
          ...(params.reply.more ?? []).map((more) => ({ text: more.answer })),
        ],
      }),
      sayOffer: assign({ outbox: ({ context }) => [...context.outbox, pause.offer(doing(context.paused))] }),
      sayOfferWithValue: assign({
        outbox: ({ context }) => [...context.outbox, pause.offerWith(doing(context.paused), context.paused?.value?.text ?? '')],
      }),
      // The value typed at the menu for the paused step, kept with it until the citizen says whether to go on.
      holdPausedValue: assign({
        paused: ({ context, event }) =>
          context.paused && event.type === 'USER' && event.utterance.forPaused
            ? {
                ...context.paused,
                value: { text: event.utterance.text.trim(), utterance: event.utterance.forPaused, turnId: event.turnId },
              }
            : (context.paused ?? null),
      }),
      forgetPausedValue: assign({
        paused: ({ context }) => (context.paused ? { ...context.paused, value: null } : null),
      }),
      // The resumed flow gets the value typed at the menu as the answer to its step, as if typed there.
      answerWithValue: sendTo('flow', ({ context }) => {
        const value = context.resumeFrom!.value!;
        return {
          type: 'INPUT' as const,
          input: { text: value.text, attachments: [] },
          utterance: value.utterance,
          turnId: value.turnId,
        };
      }),
      sayDropped: assign({
        outbox: ({ context }) => [
          ...context.outbox,
          {
            text: context.paused
              ? pause.dropped(context.paused.flow, pausedDocumentType(context.paused))
              : pause.dropped('saveDocument'),
          },
        ],
      }),
      dropPaused: assign({ paused: null }),
      // The same flow asked for afresh replaces its paused copy: it would be offered back after the new one otherwise.
      dropPausedOf: assign({
        paused: ({ context }, params: { flow: PausedFlowName }) =>
          context.paused?.flow === params.flow ? null : (context.paused ?? null),
      }),
      takePaused: assign({ resumeFrom: ({ context }) => context.paused ?? null, paused: null }),
      // The request made in the middle of a flow comes back to the menu and is served there like any other.
      serveRequest: raise(({ event }): RootEvent =>
        event.type === 'USER' ? { ...event, utterance: { ...event.utterance, digression: null, faqFirst: false } } : event,
      ),
      announceResumed: raise({ type: 'RESUMED' }),
      reask: sendTo('flow', { type: 'REASK' as const }),
      forgetResume: assign({ resumeFrom: null }),
      forgetCitizen: assign({ citizenId: null }),
      rememberLinked: assign({ citizenId: (_, params: { userId: string }) => params.userId }),
      rememberPending: assign({
        pendingFlow: ({ event }) => intent(event),
        pendingSince: ({ event }) => (event.type === 'USER' ? event.at : null),
        request: ({ event }) => (event.type === 'USER' ? event.utterance.slots : {}),
      }),
      rememberRequest: assign({ request: ({ event }) => (event.type === 'USER' ? event.utterance.slots : {}) }),
      // The requests after the first in the same message wait for it to be served (see `finished`).
      rememberQueued: assign({
        queued: ({ event }) =>
          event.type === 'USER' ? (event.utterance.then ?? []).map((next) => ({ flow: next.intent, slots: next.slots })) : [],
      }),
      takeQueued: assign(({ context }) => {
        const [next, ...rest] = context.queued ?? [];
        return { request: next?.slots ?? {}, queued: rest };
      }),
      sayNextRequest: assign({
        outbox: ({ context }) => {
          const next = context.queued?.[0];
          return next ? [...context.outbox, { text: say.nextRequest(next.flow) }] : context.outbox;
        },
      }),
      forgetQueued: assign({ queued: [] }),
      dropQueued: assign({
        outbox: ({ context }) =>
          (context.queued ?? []).length > 0 ? [...context.outbox, { text: say.QUEUE_DROPPED }] : context.outbox,
        queued: [],
      }),
      forgetRequest: assign(({ context }) => ({
        request: {},
        faqSuggestions: [],
        ...(context.otherThan ? { otherThan: null } : {}),
      })),
      rememberAlertSet: assign({ alertJustSet: (_, params: { set: boolean }) => params.set }),
      rememberStatement: assign({ lastStatement: (_, params: { shown: string | null }) => params.shown }),
      // "e o do outro?": the card named, or none but "not the one just shown".
      rememberFollowUp: assign(({ context, event }) => {
        const followUp = event.type === 'USER' ? event.utterance.followUp : undefined;
        return followUp === 'other'
          ? { request: {}, otherThan: context.lastStatement ?? null }
          : { request: followUp ? { card: followUp } : {}, otherThan: null };
      }),
      rememberSuggestions: assign({ faqSuggestions: (_, params: { reply: FaqReply }) => params.reply.suggestions }),
      rememberFaq: assign({
        lastFaq: (_, params: { reply: FaqReply }) =>
          params.reply.answer ? { id: params.reply.answer.id, question: params.reply.answer.question } : null,
      }),
      clearPending: assign({ pendingFlow: null, pendingSince: null }),
      holdRequest: assign({ heldRequest: ({ event }) => (event.type === 'USER' ? event : null) }),
      // The held message comes back to the menu as a request: `faqFirst` is cleared so it is not put to the FAQ again.
      serveHeldRequest: raise(({ context }): RootEvent => {
        const held = context.heldRequest!;
        return { ...held, utterance: { ...held.utterance, faqFirst: false } };
      }),
      forgetHeldRequest: assign({ heldRequest: null }),
      sayMenu: assign({ outbox: ({ context }, params: { lead?: string }) => [...context.outbox, say.menu(params.lead)] }),
      sayNeedsLink: assign({
        outbox: ({ context, event }) => [...context.outbox, { text: say.needsLink(labelOf(intent(event) ?? 'balance')) }],
      }),
      forwardInput: sendTo('flow', ({ event }) =>
        event.type === 'USER'
          ? { type: 'INPUT' as const, input: event.input, utterance: event.utterance, turnId: event.turnId }
          : { type: 'HELP' as const },
      ),
      forwardHelp: sendTo('flow', { type: 'HELP' as const }),
      forwardBack: sendTo('flow', { type: 'BACK' as const }),
    },
    guards: {
      isCancel: ({ event }) => command(event)?.type === 'cancel',
      digresses: ({ event }, params: { kind: Digression }) => event.type === 'USER' && event.utterance.digression === params.kind,
      followsUpStatement: ({ context, event }) =>
        event.type === 'USER' && !!event.utterance.followUp && !!context.lastStatement && !!context.citizenId,
      // Within a turn (a flow finished), a paused flow still there is fresh: this turn's `rememberCitizen` drops a stale one.
      hasPaused: ({ context, event }) =>
        event.type === 'USER'
          ? stillPaused(context.paused, event.at, event.citizenId, options.pausedMinutes)
          : !!context.paused && context.paused.citizenId === context.citizenId,
      pausedIs: ({ context }, params: { flow: PausedFlowName }) => context.paused?.flow === params.flow,
      hasQueued: ({ context }) => (context.queued ?? []).length > 0,
      queuedIs: ({ context }, params: { flow: FlowName }) => context.queued?.[0]?.flow === params.flow,
      choseContinue: ({ event }) =>
        event.type === 'USER' &&
        (chooseFrom(event.utterance, OFFER_CHOICES) === pause.CONTINUE || event.utterance.yesNo === true),
      choseDrop: ({ event }) =>
        event.type === 'USER' && (chooseFrom(event.utterance, OFFER_CHOICES) === pause.DROP || event.utterance.yesNo === false),
      // At the menu no offer is shown, so its numbers are the menu's ("1" is the balance): only words resume
      // ("continuar", "onde eu tava", a bare "voltar").
      saysContinue: ({ event }) => event.type === 'USER' && asksToResume(event.utterance.simple),
      answersPaused: ({ event }) =>
        event.type === 'USER' && event.utterance.forPaused !== undefined && event.utterance.command === null,
      resumesWithValue: ({ context }) => !!context.resumeFrom?.value,
      answersPausedStep: ({ event }) =>
        event.type === 'USER' &&
        event.utterance.forPaused !== undefined &&
        event.utterance.command === null &&
        event.utterance.number === null,
      asksNothingNew: ({ event }) =>
        event.type === 'USER' &&
        event.utterance.intent === null &&
        event.utterance.command === null &&
        event.utterance.act !== 'faq' &&
        // A goodbye is answered as one: the paused flow waits for the next visit.
        event.utterance.act !== 'goodbye' &&
        event.utterance.faqFirst !== true,
      isMenu: ({ event }) => command(event)?.type === 'menu',
      isHelp: ({ event }) => command(event)?.type === 'help',
      isBack: ({ event }) => command(event)?.type === 'back',
      isLink: ({ event }) => command(event)?.type === 'link',
      isUnlink: ({ event }) => command(event)?.type === 'unlink',
      isUnlinkOther: ({ event }) => {
        const found = command(event);
        return found?.type === 'unlink' && found.position !== undefined;
      },
      isChannels: ({ event }) => command(event)?.type === 'channels',
      wasThisConversation: (_, params: { thisConversation: boolean }) => params.thisConversation,
      isNotifications: ({ event }) => command(event)?.type === 'notifications',
      isNoticeSettings: ({ event }) => command(event)?.type === 'notice-settings',
      asksNoticeWithoutAmount: ({ event }) => {
        const found = command(event);
        return found?.type === 'notice-settings' && found.request.kind === 'low-balance-no-amount';
      },
      // "3 reais" after "Abaixo de quanto?": the amount alone, read at that step ("quero recarregar 20 reais" is a recharge).
      answersNoticeAmount: ({ event }) =>
        event.type === 'USER' &&
        event.utterance.act === 'inform' &&
        event.utterance.command === null &&
        event.utterance.slots.amountCents !== undefined,
      isLinked: ({ event }) => event.type === 'USER' && event.citizenId !== null,
      asksToLinkWithoutCode: ({ event }) =>
        event.type === 'USER' && event.utterance.act === 'link_account' && event.utterance.command === null,
      fetchesCode: ({ event }) => event.type === 'USER' && event.utterance.fetchingCode === true,
      wantsFlowWithoutLink: ({ event }) => {
        const flow = intent(event);
        return flow !== null && NEEDS_CITIZEN.has(flow) && event.type === 'USER' && event.citizenId === null;
      },
      wants: ({ event }, params: { flow: FlowName }) => intent(event) === params.flow,
      says: ({ event }, params: { acts: IntentName[] }) =>
        event.type === 'USER' && event.utterance.act !== null && params.acts.includes(event.utterance.act),
      pending: ({ context }, params: { flow: FlowName }) => context.pendingFlow === params.flow,
      hasPendingRequest: ({ context, event }) =>
        event.type === 'USER' &&
        event.citizenId === null &&
        context.pendingFlow !== null &&
        stillPending(context, event, options.linkResumeMinutes),
      hasText: ({ event }) => event.type === 'USER' && event.utterance.text.trim().length > 0,
      readsAsQuestionFirst: ({ event }) => event.type === 'USER' && event.utterance.faqFirst === true,
      correctsAlertAmount: ({ context, event }) =>
        event.type === 'USER' && event.utterance.correctsAmount !== undefined && context.alertJustSet === true,
      // Read before this turn's `rememberCitizen` moves the answer just given to `faqBefore`.
      followsUpAnswer: ({ context, event }) =>
        event.type === 'USER' && event.utterance.followsUpAnswer === true && !!context.lastFaq,
      hasHeldRequest: ({ context }) => context.heldRequest !== null && context.heldRequest !== undefined,
      succeeded: (_, params: { ok: boolean }) => params.ok,
      confident: (_, params: { reply: FaqReply }) => params.reply.confident && params.reply.answer !== null,
      offersSuggestions: (_, params: { reply: FaqReply & { question: boolean } }) =>
        (params.reply.question || params.reply.close === true) && params.reply.suggestions.length > 0,
      gaveUp: (_, params: { output: unknown }) => (params.output as { gaveUp?: boolean } | undefined)?.gaveUp === true,
    },
    actors: {
      balance: createBalanceMachine(ports),
      documents: createDocumentsMachine(ports),
      question: createQuestionMachine(ports),
      cancelCard: resumable(createCancelCardMachine(ports)),
      cardHistory: resumable(createCardHistoryMachine(ports)),
      cards: createCardsMachine(ports),
      recharge: resumable(createRechargeMachine(ports)),
      rechargeOrders: createRechargeOrdersMachine(ports),
      saveDocument: resumable(createSaveDocumentMachine(ports)),
      nextTurn: fromPromise<void>(() => Promise.resolve()),
      linkChannel: fromPromise<Outcome<{ userId: string }>, { conversation: ConversationKey; code: string }>(({ input }) =>
        ports.linkChannel(input.conversation, input.code),
      ),
      unlinkChannel: fromPromise<boolean, { conversation: ConversationKey }>(({ input }) =>
        ports.unlinkChannel(input.conversation),
      ),
      listChannels: fromPromise<LinkedChannelSummary[], { citizenId: string }>(({ input }) =>
        ports.listChannels(input.citizenId),
      ),
      unlinkChannelAt: fromPromise<
        { message: string; thisConversation: boolean },
        { conversation: ConversationKey; citizenId: string; position: number }
      >(({ input }) => ports.unlinkChannelAt(input.conversation, input.citizenId, input.position)),
      noticeSettings: fromPromise<{ message: string; alertSet: boolean }, { citizenId: string; request: NoticeRequest }>(
        async ({ input }) => ({
          message: await ports.noticeSettings(input.citizenId, input.request),
          alertSet: input.request.kind === 'low-balance',
        }),
      ),
      setNotifications: fromPromise<
        { on: boolean; outcome: Outcome<object> },
        { conversation: ConversationKey; citizenId: string; on: boolean; replyAddress: unknown }
      >(async ({ input }) => ({
        on: input.on,
        outcome: await ports.setNotifications(input.conversation, input.citizenId, input.on, input.replyAddress),
      })),
      firstName: fromPromise<{ name: string | null; act: CourtesyAct }, { citizenId: string; act: CourtesyAct }>(
        // The name is a courtesy: without it the citizen is still greeted, thanked or said goodbye to.
        async ({ input }) => ({ name: await ports.firstName(input.citizenId).catch(() => null), act: input.act }),
      ),
      askFaq: fromPromise<
        FaqReply & { question: boolean },
        {
          question: string;
          client: string;
          isQuestion: boolean;
          vague: boolean;
          followed?: FaqFollowed | null;
          /** The subject of the flow waiting for an answer, tried when the question alone has no sure answer. */
          topic?: string;
        }
      >(async ({ input }) => {
        // A short follow-up of the answer just given ("e pra idoso?") is read with that answer's question first.
        const followUp = input.followed ? await ports.askFaqFollowUp(input.followed, input.question, input.client) : null;
        if (followUp) return { ...followUp, question: input.isQuestion };
        const reply = await ports.askFaq(input.question, input.client, input.topic);
        // A vague follow-up ("e o valor como fica?"): the answer found is offered among the suggestions, not given.
        const offered =
          input.vague && reply.answer
            ? { confident: false, answer: null, suggestions: unsure(reply), close: true, more: undefined }
            : {};
        return { ...reply, ...offered, question: input.isQuestion };
      }),
    },
  }).createMachine({
    id: 'root',
    context: ({ input }) => ({ conversation: input.conversation, citizenId: null, outbox: [], pendingFlow: null, request: {} }),
    on: {
      SAY: { actions: 'collect' },
      FLUSHED: { actions: 'flush' },
    },
    initial: 'menu',
    states: {
      menu: {
        on: {
          USER: [
            // A paused flow first: "continuar" resumes it; a message that asks nothing new gets it offered back.
            {
              guard: and(['hasPaused', 'saysContinue']),
              target: 'resuming',
              actions: ['rememberCitizen', { type: 'enqueue', params: { message: { text: pause.RESUMING } } }],
            },
            {
              // "12/2030" typed at the menu after the flow paused at the date step: offered to go on with it.
              guard: and(['hasPaused', 'answersPaused']),
              target: 'offering',
              actions: ['rememberCitizen', 'holdPausedValue', 'sayOfferWithValue'],
            },
            {
              guard: and(['hasPaused', 'asksNothingNew']),
              target: 'offering',
              actions: ['rememberCitizen', 'forgetPausedValue', 'sayOffer'],
            },
            { guard: 'isLink', target: 'linking', actions: 'rememberCitizen' },
            { guard: and(['isUnlinkOther', 'isLinked']), target: 'unlinkingOther', actions: 'rememberCitizen' },
            { guard: 'isUnlink', target: 'unlinking', actions: 'rememberCitizen' },
            { guard: and(['isChannels', 'isLinked']), target: 'listingChannels', actions: 'rememberCitizen' },
            {
              guard: 'isChannels',
              actions: ['rememberCitizen', { type: 'enqueue', params: { message: { text: say.CHANNELS_NEED_LINK } } }],
            },
            { guard: and(['isNotifications', 'isLinked']), target: 'notifying', actions: 'rememberCitizen' },
            {
              guard: 'isNotifications',
              actions: ['rememberCitizen', { type: 'enqueue', params: { message: { text: say.NOTIFICATIONS_NEED_LINK } } }],
            },
            {
              // "me avisa quando o saldo estiver acabando": the amount is asked, and the next message may be just that.
              guard: and(['isNoticeSettings', 'isLinked', 'asksNoticeWithoutAmount']),
              target: 'noticeAmount',
              actions: ['rememberCitizen', { type: 'enqueue', params: { message: { text: LOW_BALANCE_NEEDS_AMOUNT } } }],
            },
            { guard: and(['isNoticeSettings', 'isLinked']), target: 'noticeSettings', actions: 'rememberCitizen' },
            {
              // "na verdade muda pra 3 reais" right after the alert was set: the amount just set is changed.
              guard: and(['correctsAlertAmount', 'isLinked']),
              target: 'noticeSettings',
              actions: 'rememberCitizen',
            },
            {
              guard: 'isNoticeSettings',
              actions: ['rememberCitizen', { type: 'enqueue', params: { message: { text: say.NOTIFICATIONS_NEED_LINK } } }],
            },
            {
              // "e a cnh?" right after how to get an RG: the answer followed up, not a CNH to save.
              guard: 'followsUpAnswer',
              target: 'answering',
              actions: 'rememberCitizen',
            },
            {
              // "quais documentos preciso levar pra tirar a identidade?": a question before any keyword or request.
              guard: 'readsAsQuestionFirst',
              target: 'answeringFirst',
              actions: ['rememberCitizen', 'holdRequest'],
            },
            {
              guard: 'isHelp',
              actions: [
                'rememberCitizen',
                { type: 'enqueue', params: { message: { text: say.MENU_HELP } } },
                { type: 'sayMenu', params: {} },
              ],
            },
            {
              guard: 'isCancel',
              actions: ['rememberCitizen', 'clearPending', { type: 'sayMenu', params: { lead: say.MENU_LEADS.afterCancel } }],
            },
            {
              guard: 'isMenu',
              actions: ['rememberCitizen', 'clearPending', { type: 'sayMenu', params: { lead: say.MENU_LEADS.choose } }],
            },
            {
              guard: 'isBack',
              actions: ['rememberCitizen', { type: 'sayMenu', params: { lead: say.MENU_LEADS.atStart } }],
            },
            { guard: 'wantsFlowWithoutLink', actions: ['rememberCitizen', 'rememberPending', 'sayNeedsLink'] },
            {
              guard: { type: 'wants', params: { flow: 'balance' } },
              target: 'flow.balance',
              actions: ['rememberCitizen', 'clearPending', 'rememberQueued'],
            },
            {
              guard: { type: 'wants', params: { flow: 'cancelCard' } },
              target: 'flow.cancelCard',
              actions: [
                'rememberCitizen',
                'clearPending',
                'rememberQueued',
                'rememberRequest',
                { type: 'dropPausedOf', params: { flow: 'cancelCard' } },
              ],
            },
            {
              guard: { type: 'wants', params: { flow: 'saveDocument' } },
              target: 'flow.saveDocument',
              actions: [
                'rememberCitizen',
                'clearPending',
                'rememberQueued',
                'rememberRequest',
                { type: 'dropPausedOf', params: { flow: 'saveDocument' } },
              ],
            },
            {
              guard: { type: 'wants', params: { flow: 'documents' } },
              target: 'flow.documents',
              actions: ['rememberCitizen', 'clearPending', 'rememberQueued'],
            },
            {
              guard: { type: 'wants', params: { flow: 'cardHistory' } },
              target: 'flow.cardHistory',
              actions: [
                'rememberCitizen',
                'clearPending',
                'rememberQueued',
                'rememberRequest',
                { type: 'dropPausedOf', params: { flow: 'cardHistory' } },
              ],
            },
            {
              guard: { type: 'wants', params: { flow: 'cards' } },
              target: 'flow.cards',
              actions: ['rememberCitizen', 'clearPending', 'rememberQueued'],
            },
            {
              guard: { type: 'wants', params: { flow: 'recharge' } },
              target: 'flow.recharge',
              actions: [
                'rememberCitizen',
                'clearPending',
                'rememberRequest',
                { type: 'dropPausedOf', params: { flow: 'recharge' } },
              ],
            },
            {
              guard: { type: 'wants', params: { flow: 'rechargeOrders' } },
              target: 'flow.rechargeOrders',
              actions: ['rememberCitizen', 'clearPending'],
            },
            {
              guard: { type: 'wants', params: { flow: 'question' } },
              target: 'flow.question',
              actions: ['rememberCitizen', 'clearPending', 'forgetRequest'],
            },
            {
              // "e o do outro?" right after a statement: the statement of that card (or of the other one).
              guard: 'followsUpStatement',
              target: 'flow.cardHistory',
              actions: ['rememberFollowUp', 'rememberCitizen', 'clearPending'],
            },
            {
              // "ok", "pera vou pegar o codigo" while a request waits for the link code: the request is kept, and the
              // citizen is told how to send the code rather than "não entendi".
              guard: and([
                { type: 'says', params: { acts: ['out_of_context', 'yes', 'link_account'] as IntentName[] } },
                'hasPendingRequest',
              ]),
              actions: ['rememberCitizen', { type: 'enqueue', params: { message: { text: say.WAITING_FOR_CODE } } }],
            },
            {
              // "pera vou pegar o codigo" in a chat already linked: nothing to do, acknowledged.
              guard: and(['asksToLinkWithoutCode', 'isLinked', 'fetchesCode']),
              actions: ['rememberCitizen', { type: 'enqueue', params: { message: say.acknowledged() } }],
            },
            {
              guard: and(['asksToLinkWithoutCode', 'isLinked']),
              actions: [
                'rememberCitizen',
                { type: 'enqueue', params: { message: { text: say.ALREADY_LINKED } } },
                { type: 'sayMenu', params: { lead: say.MENU_LEADS.choose } },
              ],
            },
            {
              // "vincular", "quero vincular minha conta", "pera vou pegar o codigo": how to get the code, never the FAQ's
              // suggestions about codes.
              guard: 'asksToLinkWithoutCode',
              actions: ['rememberCitizen', { type: 'enqueue', params: { message: { text: say.HOW_TO_LINK } } }],
            },
            {
              // A linked citizen is greeted, thanked and said goodbye to by first name.
              guard: and([{ type: 'says', params: { acts: [...COURTESY_ACTS] } }, 'isLinked']),
              target: 'greetingByName',
              actions: 'rememberCitizen',
            },
            {
              guard: { type: 'says', params: { acts: ['greeting'] } },
              actions: ['rememberCitizen', { type: 'enqueue', params: { message: say.greeting() } }],
            },
            {
              guard: { type: 'says', params: { acts: ['thanks'] } },
              actions: ['rememberCitizen', { type: 'enqueue', params: { message: say.thanks() } }],
            },
            {
              guard: { type: 'says', params: { acts: ['goodbye'] } },
              actions: ['rememberCitizen', { type: 'enqueue', params: { message: say.goodbye() } }],
            },
            {
              // "ok", "blz", "kkk", "👍" with nothing asked: acknowledged as a person would, never answered from the FAQ.
              // An empty message (a sticker, a lone file) acknowledges nothing.
              guard: and([{ type: 'says', params: { acts: ['out_of_context'] as IntentName[] } }, 'hasText']),
              actions: ['rememberCitizen', { type: 'enqueue', params: { message: say.acknowledged() } }],
            },
            {
              // "sim", "não" with nothing asked: never a confident FAQ answer to a question nobody asked.
              guard: { type: 'says', params: { acts: ['yes', 'no', 'skip', 'inform'] } },
              actions: ['rememberCitizen', { type: 'enqueue', params: { message: say.outOfContext() } }],
            },
            { guard: 'hasText', target: 'answering', actions: 'rememberCitizen' },
            {
              actions: [
                'rememberCitizen',
                { type: 'enqueue', params: { message: { text: say.NOT_UNDERSTOOD } } },
                { type: 'sayMenu', params: { lead: say.MENU_LEADS.choose } },
              ],
            },
          ],
        },
      },
      offering: {
        meta: { expecting: { at: 'resume.offer', options: RESUME_OPTIONS } },
        on: {
          USER: [
            {
              guard: 'choseContinue',
              target: 'resuming',
              actions: ['rememberCitizen', { type: 'enqueue', params: { message: { text: pause.RESUMING } } }],
            },
            {
              // "o segundo" after the cards were listed, "10/10/2030" after a question: the answer to the paused step
              // itself, so the flow goes on with it (the offer's own buttons typed as numbers stay the offer's).
              guard: 'answersPausedStep',
              target: 'resuming',
              actions: ['rememberCitizen', 'holdPausedValue', { type: 'enqueue', params: { message: { text: pause.RESUMING } } }],
            },
            {
              guard: 'choseDrop',
              target: 'menu',
              actions: [
                'rememberCitizen',
                'sayDropped',
                'dropPaused',
                { type: 'sayMenu', params: { lead: say.MENU_LEADS.choose } },
              ],
            },
            {
              // "tchau", "flw", "deixa pra depois", "valeu": not now. The paused flow stays kept for the next visit, and is
              // not offered again in the same breath.
              guard: { type: 'says', params: { acts: ['goodbye', 'thanks'] } },
              target: 'menu',
              actions: ['rememberCitizen', 'forgetPausedValue', { type: 'sayPaused', params: { why: 'goodbye' } }],
            },
            {
              guard: 'isCancel',
              target: 'menu',
              actions: [
                'rememberCitizen',
                'sayDropped',
                'dropPaused',
                { type: 'sayMenu', params: { lead: say.MENU_LEADS.choose } },
              ],
            },
            // Anything else is read at the menu, the paused flow still kept (offered again after what it asks).
            { target: 'menu', actions: ['forgetPausedValue', 'serveRequest'] },
          ],
        },
      },
      digressing: {
        tags: ['busy'],
        invoke: {
          id: 'askFaqDigression',
          src: 'askFaq',
          input: ({ context, event }) => ({
            question: event.type === 'USER' ? event.utterance.text : '',
            client: faqClient(context.conversation),
            isQuestion: true,
            vague: event.type === 'USER' && event.utterance.vague === true,
            topic: context.paused ? FLOW_TOPIC[context.paused.flow] : undefined,
          }),
          onDone: [
            {
              guard: { type: 'confident', params: ({ event }) => ({ reply: event.output }) },
              target: 'resuming',
              actions: [
                { type: 'enqueue', params: ({ event }) => ({ message: { text: event.output.answer!.answer } }) },
                { type: 'enqueue', params: { message: { text: pause.BACK_TO_STEP } } },
              ],
            },
            { target: 'resuming', actions: { type: 'enqueue', params: { message: { text: pause.NO_SURE_ANSWER } } } },
          ],
          onError: { target: 'resuming', actions: { type: 'enqueue', params: { message: { text: pause.NO_SURE_ANSWER } } } },
        },
      },
      resuming: {
        // Restarts the paused flow at its step with its values (see `resumable`); RESUMED then asks that step again.
        always: [
          {
            guard: { type: 'pausedIs', params: { flow: 'saveDocument' } },
            target: 'flow.saveDocument',
            actions: ['takePaused', 'announceResumed'],
          },
          {
            guard: { type: 'pausedIs', params: { flow: 'cancelCard' } },
            target: 'flow.cancelCard',
            actions: ['takePaused', 'announceResumed'],
          },
          {
            guard: { type: 'pausedIs', params: { flow: 'cardHistory' } },
            target: 'flow.cardHistory',
            actions: ['takePaused', 'announceResumed'],
          },
          {
            guard: { type: 'pausedIs', params: { flow: 'recharge' } },
            target: 'flow.recharge',
            actions: ['takePaused', 'announceResumed'],
          },
          { target: 'menu', actions: { type: 'sayMenu', params: {} } },
        ],
      },
      greetingByName: {
        tags: ['busy'],
        invoke: {
          id: 'firstName',
          src: 'firstName',
          input: ({ context, event }) => ({
            citizenId: context.citizenId ?? '',
            act: courtesyAct(event.type === 'USER' ? event.utterance.act : null),
          }),
          onDone: {
            target: 'menu',
            actions: {
              type: 'enqueue',
              params: ({ event }) => ({
                message: say.courtesy(event.output.act, event.output.name),
              }),
            },
          },
        },
      },
      answering: {
        tags: ['busy'],
        invoke: {
          id: 'askFaq',
          src: 'askFaq',
          input: ({ context, event }) => ({
            question: event.type === 'USER' ? event.utterance.text : '',
            client: faqClient(context.conversation),
            isQuestion: event.type === 'USER' && (event.utterance.act === 'faq' || event.utterance.followsUpAnswer === true),
            vague: event.type === 'USER' && event.utterance.vague === true,
            followed: context.faqBefore ?? null,
          }),
          onDone: [
            {
              guard: { type: 'confident', params: ({ event }) => ({ reply: event.output }) },
              target: 'menu',
              actions: [
                { type: 'rememberFaq', params: ({ event }) => ({ reply: event.output }) },
                { type: 'enqueue', params: ({ event }) => ({ message: { text: event.output.answer!.answer } }) },
                { type: 'sayMoreAnswers', params: ({ event }) => ({ reply: event.output }) },
                { type: 'sayMenu', params: { lead: say.MENU_LEADS.afterAnswer } },
              ],
            },
            {
              // A question the FAQ is not sure about: the closest questions are offered instead of "não entendi".
              guard: { type: 'offersSuggestions', params: ({ event }) => ({ reply: event.output }) },
              target: 'flow.question',
              actions: { type: 'rememberSuggestions', params: ({ event }) => ({ reply: event.output }) },
            },
            {
              // Neither a request nor a question the FAQ answers (the classifier's out_of_scope comes here first, since
              // a long story ending in a question reads as off-topic to it): declined, saying what IPlani does.
              target: 'menu',
              actions: { type: 'enqueue', params: { message: say.outOfScope() } },
            },
          ],
          onError: {
            target: 'menu',
            actions: [
              { type: 'enqueue', params: { message: { text: say.NOT_UNDERSTOOD } } },
              { type: 'sayMenu', params: {} },
            ],
          },
        },
      },
      answeringFirst: {
        tags: ['busy'],
        invoke: {
          id: 'askFaqFirst',
          src: 'askFaq',
          input: ({ context }) => ({
            question: context.heldRequest?.utterance.text ?? '',
            client: faqClient(context.conversation),
            isQuestion: true,
            vague: context.heldRequest?.utterance.vague === true,
          }),
          onDone: [
            {
              guard: { type: 'confident', params: ({ event }) => ({ reply: event.output }) },
              target: 'menu',
              actions: [
                'forgetHeldRequest',
                { type: 'rememberFaq', params: ({ event }) => ({ reply: event.output }) },
                { type: 'enqueue', params: ({ event }) => ({ message: { text: event.output.answer!.answer } }) },
                { type: 'sayMoreAnswers', params: ({ event }) => ({ reply: event.output }) },
                { type: 'sayMenu', params: { lead: say.MENU_LEADS.afterAnswer } },
              ],
            },
            // Not a question the FAQ answers: the request it also reads as is served as usual.
            { guard: 'hasHeldRequest', target: 'menu', actions: ['serveHeldRequest', 'forgetHeldRequest'] },
            { target: 'menu' },
          ],
          onError: [
            { guard: 'hasHeldRequest', target: 'menu', actions: ['serveHeldRequest', 'forgetHeldRequest'] },
            { target: 'menu' },
          ],
        },
      },
      linking: {
        tags: ['busy'],
        invoke: {
          id: 'linkChannel',
          src: 'linkChannel',
          input: ({ context, event }) => {
            const found = command(event);
            return { conversation: context.conversation, code: found?.type === 'link' ? found.code : '' };
          },
          onDone: [
            {
              guard: { type: 'succeeded', params: ({ event }) => ({ ok: event.output.ok }) },
              target: 'afterLink',
              actions: [
                { type: 'rememberLinked', params: ({ event }) => ({ userId: event.output.ok ? event.output.userId : '' }) },
                { type: 'enqueue', params: { message: { text: say.LINKED } } },
              ],
            },
            {
              target: 'menu',
              actions: {
                type: 'enqueue',
                params: ({ event }) => ({ message: { text: event.output.ok ? '' : event.output.message } }),
              },
            },
          ],
          onError: { target: 'menu', actions: { type: 'enqueue', params: { message: { text: say.SERVICE_ERROR } } } },
        },
      },
      afterLink: {
        always: [
          { guard: { type: 'pending', params: { flow: 'balance' } }, target: 'flow.balance', actions: 'clearPending' },
          { guard: { type: 'pending', params: { flow: 'cancelCard' } }, target: 'flow.cancelCard', actions: 'clearPending' },
          { guard: { type: 'pending', params: { flow: 'saveDocument' } }, target: 'flow.saveDocument', actions: 'clearPending' },
          { guard: { type: 'pending', params: { flow: 'documents' } }, target: 'flow.documents', actions: 'clearPending' },
          { guard: { type: 'pending', params: { flow: 'cardHistory' } }, target: 'flow.cardHistory', actions: 'clearPending' },
          { guard: { type: 'pending', params: { flow: 'cards' } }, target: 'flow.cards', actions: 'clearPending' },
          { guard: { type: 'pending', params: { flow: 'recharge' } }, target: 'flow.recharge', actions: 'clearPending' },
          {
            guard: { type: 'pending', params: { flow: 'rechargeOrders' } },
            target: 'flow.rechargeOrders',
            actions: 'clearPending',
          },
          { target: 'menu', actions: { type: 'sayMenu', params: { lead: say.MENU_LEADS.afterLink } } },
        ],
      },
      unlinking: {
        tags: ['busy'],
        invoke: {
          id: 'unlinkChannel',
          src: 'unlinkChannel',
          input: ({ context }) => ({ conversation: context.conversation }),
          onDone: {
            target: 'menu',
            actions: [
              'forgetCitizen',
              { type: 'enqueue', params: ({ event }) => ({ message: { text: event.output ? say.UNLINKED : say.NOT_LINKED } }) },
            ],
          },
          onError: { target: 'menu', actions: { type: 'enqueue', params: { message: { text: say.SERVICE_ERROR } } } },
        },
      },
      listingChannels: {
        tags: ['busy'],
        invoke: {
          id: 'listChannels',
          src: 'listChannels',
          input: ({ context }) => ({ citizenId: context.citizenId ?? '' }),
          onDone: {
            target: 'menu',
            actions: { type: 'enqueue', params: ({ event }) => ({ message: { text: say.channelList(event.output) } }) },
          },
          onError: { target: 'menu', actions: { type: 'enqueue', params: { message: { text: say.SERVICE_ERROR } } } },
        },
      },
      unlinkingOther: {
        tags: ['busy'],
        invoke: {
          id: 'unlinkChannelAt',
          src: 'unlinkChannelAt',
          input: ({ context, event }) => {
            const found = command(event);
            return {
              conversation: context.conversation,
              citizenId: context.citizenId ?? '',
              position: found?.type === 'unlink' ? (found.position ?? 0) : 0,
            };
          },
          onDone: [
            {
              guard: {
                type: 'wasThisConversation',
                params: ({ event }) => ({ thisConversation: event.output.thisConversation }),
              },
              target: 'menu',
              actions: [
                'forgetCitizen',
                { type: 'enqueue', params: ({ event }) => ({ message: { text: event.output.message } }) },
              ],
            },
            {
              target: 'menu',
              actions: { type: 'enqueue', params: ({ event }) => ({ message: { text: event.output.message } }) },
            },
          ],
          onError: { target: 'menu', actions: { type: 'enqueue', params: { message: { text: say.SERVICE_ERROR } } } },
        },
      },
      // "Abaixo de quanto?" was asked: an amount alone sets the low-balance alert; anything else is read at the menu.
      noticeAmount: {
        meta: { expecting: { at: 'notices.amount' } },
        on: {
          USER: [
            { guard: 'answersNoticeAmount', target: 'noticeSettings', actions: 'rememberCitizen' },
            // "quanto ta a passagem msm?" before saying the amount: the question is answered and the amount asked again,
            // so the amount after it still sets the alert (a question read at the menu would leave the step).
            { guard: { type: 'says', params: { acts: ['faq'] } }, target: 'noticeAmountQuestion' },
            { target: 'menu', actions: 'serveRequest' },
          ],
        },
      },
      noticeAmountQuestion: {
        tags: ['busy'],
        invoke: {
          id: 'askFaqAtNoticeAmount',
          src: 'askFaq',
          input: ({ context, event }) => ({
            question: event.type === 'USER' ? event.utterance.text : '',
            client: faqClient(context.conversation),
            isQuestion: true,
            vague: event.type === 'USER' && event.utterance.vague === true,
          }),
          onDone: [
            {
              guard: { type: 'confident', params: ({ event }) => ({ reply: event.output }) },
              target: 'noticeAmount',
              actions: [
                { type: 'enqueue', params: ({ event }) => ({ message: { text: event.output.answer!.answer } }) },
                { type: 'enqueue', params: { message: { text: LOW_BALANCE_NEEDS_AMOUNT } } },
              ],
            },
            {
              target: 'noticeAmount',
              actions: [
                { type: 'enqueue', params: { message: { text: pause.NO_SURE_ANSWER } } },
                { type: 'enqueue', params: { message: { text: LOW_BALANCE_NEEDS_AMOUNT } } },
              ],
            },
          ],
          onError: {
            target: 'noticeAmount',
            actions: [
              { type: 'enqueue', params: { message: { text: pause.NO_SURE_ANSWER } } },
              { type: 'enqueue', params: { message: { text: LOW_BALANCE_NEEDS_AMOUNT } } },
            ],
          },
        },
      },
      noticeSettings: {
        tags: ['busy'],
        invoke: {
          id: 'noticeSettings',
          src: 'noticeSettings',
          input: ({ context, event }) => {
            const found = command(event);
            const amountCents =
              event.type === 'USER' ? (event.utterance.correctsAmount ?? event.utterance.slots.amountCents) : undefined;
            return {
              citizenId: context.citizenId ?? '',
              request:
                found?.type === 'notice-settings'
                  ? found.request
                  : amountCents !== undefined
                    ? ({ kind: 'low-balance', thresholdCents: amountCents } as const)
                    : ({ kind: 'list' } as const),
            };
          },
          onDone: [
            {
              // Changed in the middle of a flow: the paused flow is offered back, as after any request served meanwhile.
              guard: 'hasPaused',
              target: 'offering',
              actions: [
                { type: 'enqueue', params: ({ event }) => ({ message: { text: event.output.message } }) },
                { type: 'rememberAlertSet', params: ({ event }) => ({ set: event.output.alertSet }) },
                'forgetRequest',
                'sayOffer',
              ],
            },
            {
              target: 'menu',
              actions: [
                { type: 'enqueue', params: ({ event }) => ({ message: { text: event.output.message } }) },
                { type: 'rememberAlertSet', params: ({ event }) => ({ set: event.output.alertSet }) },
              ],
            },
          ],
          onError: { target: 'menu', actions: { type: 'enqueue', params: { message: { text: say.SERVICE_ERROR } } } },
        },
      },
      notifying: {
        tags: ['busy'],
        invoke: {
          id: 'setNotifications',
          src: 'setNotifications',
          input: ({ context, event }) => {
            const found = command(event);
            return {
              conversation: context.conversation,
              citizenId: context.citizenId ?? '',
              on: found?.type === 'notifications' && found.on,
              replyAddress: event.type === 'USER' ? event.input.replyAddress : undefined,
            };
          },
          onDone: {
            target: 'menu',
            actions: {
              type: 'enqueue',
              params: ({ event }) => ({
                message: {
                  text: !event.output.outcome.ok
                    ? event.output.outcome.message
                    : event.output.on
                      ? say.NOTIFICATIONS_ON
                      : say.NOTIFICATIONS_OFF,
                },
              }),
            },
          },
          onError: { target: 'menu', actions: { type: 'enqueue', params: { message: { text: say.SERVICE_ERROR } } } },
        },
      },
      flow: {
        // Always entered through one of its children (flow.balance, flow.saveDocument...).
        initial: 'question',
        on: {
          USER: [
            {
              guard: 'isCancel',
              target: '#root.cancelled',
              actions: [{ type: 'enqueue', params: { message: { text: say.CANCELLED } } }, 'dropQueued'],
            },
            {
              guard: 'isMenu',
              target: 'menu',
              actions: { type: 'sayMenu', params: { lead: say.MENU_LEADS.backToStart } },
            },
            { guard: 'isHelp', actions: 'forwardHelp' },
            { guard: 'isBack', actions: 'forwardBack' },
            { actions: ['rememberCitizen', 'noteTurnAt', 'forwardInput'] },
          ],
          // Three misses in a row at a step of a pausable flow: paused with its data, not discarded.
          GIVE_UP: {
            target: 'menu',
            actions: ['pauseFlow', 'forgetQueued', { type: 'sayPaused', params: { why: 'misses' } }],
          },
          RESUMED: [
            { guard: 'resumesWithValue', actions: ['answerWithValue', 'forgetResume'] },
            { actions: ['reask', 'forgetResume'] },
          ],
        },
        states: {
          balance: {
            invoke: {
              id: 'flow',
              src: 'balance',
              input: ({ context }) => ({ citizenId: context.citizenId ?? '' }),
              onDone: '#root.finished',
            },
          },
          documents: {
            invoke: {
              id: 'flow',
              src: 'documents',
              input: ({ context }) => ({ citizenId: context.citizenId ?? '' }),
              onDone: '#root.finished',
            },
          },
          cards: {
            invoke: {
              id: 'flow',
              src: 'cards',
              input: ({ context }) => ({ citizenId: context.citizenId ?? '' }),
              onDone: '#root.finished',
            },
          },
          rechargeOrders: {
            invoke: {
              id: 'flow',
              src: 'rechargeOrders',
              input: ({ context }) => ({ citizenId: context.citizenId ?? '' }),
              onDone: '#root.finished',
            },
          },
          recharge: {
            on: {
              USER: [
                {
                  // Leaving before the Pix is generated: said plainly that no charge exists to pay.
                  guard: 'isCancel',
                  target: '#root.menu',
                  actions: [
                    { type: 'enqueue', params: { message: { text: NOT_CHARGED } } },
                    { type: 'sayMenu', params: { lead: say.MENU_LEADS.choose } },
                  ],
                },
                // A request at the confirmation is served with the flow paused: never taken as a yes.
                ...DIGRESSIONS,
              ],
            },
            invoke: {
              id: 'flow',
              src: 'recharge',
              input: ({ context }) => ({
                citizenId: context.citizenId ?? '',
                keyPrefix: `${context.conversation.channel}:${context.conversation.conversationId}`,
                card: context.request?.card,
                amountCents: context.request?.amountCents,
                resume: context.resumeFrom?.flow === 'recharge' ? context.resumeFrom : undefined,
              }),
              onDone: '#root.finished',
            },
          },
          cardHistory: {
            on: { USER: DIGRESSIONS },
            invoke: {
              id: 'flow',
              src: 'cardHistory',
              input: ({ context }) => ({
                citizenId: context.citizenId ?? '',
                card: context.request?.card,
                otherThan: context.otherThan ?? null,
                resume: context.resumeFrom?.flow === 'cardHistory' ? context.resumeFrom : undefined,
              }),
              onDone: {
                target: '#root.finished',
                actions: { type: 'rememberStatement', params: ({ event }) => ({ shown: event.output.shown }) },
              },
            },
          },
          question: {
            // The FAQ's suggestions are not worth pausing: after three misses the question is let go, and a new request
            // or a new question made at them is served at the menu.
            on: {
              GIVE_UP: '#root.gaveUp',
              USER: [
                // "vincular ABCD2345" is the command wherever it is typed, never a pick among questions about codes.
                { guard: 'isLink', target: '#root.linking', actions: ['rememberCitizen', 'forgetRequest'] },
                {
                  guard: { type: 'digresses', params: { kind: 'request' } },
                  target: '#root.menu',
                  actions: ['rememberCitizen', 'forgetRequest', 'serveRequest'],
                },
                {
                  guard: { type: 'digresses', params: { kind: 'question' } },
                  target: '#root.menu',
                  actions: ['rememberCitizen', 'forgetRequest', 'serveRequest'],
                },
                {
                  // "kkk obrigado", "entendi vlw", "tchau" at the suggestions: the citizen is done with them, and is
                  // thanked or said goodbye to at the menu rather than asked again to pick one.
                  guard: { type: 'digresses', params: { kind: 'courtesy' } },
                  target: '#root.menu',
                  actions: ['rememberCitizen', 'forgetRequest', 'serveRequest'],
                },
              ],
            },
            invoke: {
              id: 'flow',
              src: 'question',
              input: ({ context }) => ({
                client: faqClient(context.conversation),
                suggestions: context.faqSuggestions ?? [],
              }),
              onDone: '#root.finished',
            },
          },
          cancelCard: {
            on: {
              USER: [
                {
                  // Leaving the block flow: "cancelei" would read as if the card had been cancelled.
                  guard: 'isCancel',
                  target: '#root.cancelled',
                  actions: [{ type: 'enqueue', params: { message: { text: NOT_BLOCKED } } }, 'dropQueued'],
                },
                // A request at the confirmation is served with the flow paused: never taken as a yes.
                ...DIGRESSIONS,
              ],
            },
            invoke: {
              id: 'flow',
              src: 'cancelCard',
              input: ({ context }) => ({
                citizenId: context.citizenId ?? '',
                keyPrefix: `${context.conversation.channel}:${context.conversation.conversationId}`,
                channel: context.conversation.channel,
                card: context.request?.card,
                moreCards: context.request?.moreCards,
                allCards: context.request?.allCards,
                reason: context.request?.blockReason,
                unsureReason: context.request?.unsureReason,
                resume: context.resumeFrom?.flow === 'cancelCard' ? context.resumeFrom : undefined,
              }),
              onDone: '#root.finished',
            },
          },
          saveDocument: {
            on: { USER: DIGRESSIONS },
            invoke: {
              id: 'flow',
              src: 'saveDocument',
              input: ({ context, event }) => ({
                citizenId: context.citizenId ?? '',
                conversation: context.conversation,
                // The file sent with the request itself ("salva minha cnh" and the photo) is that document's file.
                file: event.type === 'USER' ? event.input.attachments[0] : undefined,
                type: context.request?.documentType,
                label: context.request?.documentLabel,
                number: context.request?.documentNumber,
                expiresAt: context.request?.date,
                issuerState: context.request?.state,
                resume: context.resumeFrom?.flow === 'saveDocument' ? context.resumeFrom : undefined,
              }),
              onDone: [
                { guard: { type: 'gaveUp', params: ({ event }) => ({ output: event.output }) }, target: '#root.gaveUp' },
                { target: '#root.finished' },
              ],
            },
          },
        },
      },
      finished: {
        always: [
          // The next request of a message that made several: served now, before the menu or a paused flow's offer.
          { guard: 'hasQueued', target: 'nextRequest', actions: 'sayNextRequest' },
          // The request served while a flow was paused is done: the paused flow is offered back instead of the menu.
          { guard: 'hasPaused', target: 'offering', actions: ['forgetRequest', 'sayOffer'] },
          { target: 'menu', actions: ['forgetRequest', { type: 'sayMenu', params: {} }] },
        ],
      },
      nextRequest: {
        // The flow that just ended and the next one are both the invoke 'flow': starting the next one in the same
        // macrostep would have the old one's stop take the new one with it. Waiting for a settled promise starts it in a
        // macrostep of its own.
        tags: ['busy'],
        invoke: {
          id: 'nextRequest',
          src: 'nextTurn',
          onDone: [
            { guard: { type: 'queuedIs', params: { flow: 'balance' } }, target: 'flow.balance', actions: 'takeQueued' },
            { guard: { type: 'queuedIs', params: { flow: 'cancelCard' } }, target: 'flow.cancelCard', actions: 'takeQueued' },
            { guard: { type: 'queuedIs', params: { flow: 'saveDocument' } }, target: 'flow.saveDocument', actions: 'takeQueued' },
            { guard: { type: 'queuedIs', params: { flow: 'documents' } }, target: 'flow.documents', actions: 'takeQueued' },
            { guard: { type: 'queuedIs', params: { flow: 'cardHistory' } }, target: 'flow.cardHistory', actions: 'takeQueued' },
            { guard: { type: 'queuedIs', params: { flow: 'cards' } }, target: 'flow.cards', actions: 'takeQueued' },
            { target: 'menu', actions: ['takeQueued', { type: 'sayMenu', params: {} }] },
          ],
        },
      },
      cancelled: {
        always: [
          // Cancelling a request made while another flow was paused gives that one back ("quer continuar salvando sua
          // CNH?"): the cancel was about the request in between.
          { guard: 'hasPaused', target: 'offering', actions: ['forgetRequest', 'sayOffer'] },
          { target: 'menu', actions: ['forgetRequest', { type: 'sayMenu', params: { lead: say.MENU_LEADS.choose } }] },
        ],
      },
      gaveUp: {
        always: {
          target: 'menu',
          actions: ['forgetRequest', { type: 'enqueue', params: { message: { text: say.GAVE_UP } } }],
        },
      },
    },
  });
}

export type RootMachine = ReturnType<typeof createRootMachine>;
