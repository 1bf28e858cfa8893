import { and, assign, fromPromise, raise, sendTo, setup } from 'xstate';
import * as say from '../render/messages.pt-BR';
import { NOT_BLOCKED } from '../render/cancel-card.pt-BR';
import { createBalanceMachine } from './balance.machine';
import { createCancelCardMachine } from './cancel-card.machine';
import { createCardHistoryMachine } from './card-history.machine';
import { createCardsMachine } from './cards.machine';
import { createDocumentsMachine } from './documents.machine';
import { createQuestionMachine } from './question.machine';
import { createSaveDocumentMachine } from './save-document.machine';
import type { Command, IntentName, Slots, Utterance } from '../understanding';
import type {
  BotMessage,
  ConversationKey,
  FaqReply,
  FlowName,
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

export type RootEvent = UserEvent | SayEvent | { type: 'FLUSHED' };

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
}

export interface RootOptions {
  /** Minutes within which a request made before linking is resumed by a successful `vincular`. */
  linkResumeMinutes: number;
}

/** Flows that need to know who the citizen is. */
const NEEDS_CITIZEN: ReadonlySet<FlowName> = new Set([
  'balance',
  'cancelCard',
  'saveDocument',
  'documents',
  'cardHistory',
  'cards',
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
 * Whether a request waiting for a link still waits once this turn arrives: only `vincular` attempts (a mistyped code
 * included) may come between the request and the link, within `minutes` of the request. A request made many turns or
 * minutes earlier is not resumed by surprise after linking; the menu is shown instead.
 */
function stillPending(context: RootContext, event: UserEvent, minutes: number): boolean {
  if (event.utterance.command?.type !== 'link') return false;
  return typeof context.pendingSince === 'number' && event.at - context.pendingSince <= minutes * 60_000;
}

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
            },
      ),
      forgetCitizen: assign({ citizenId: null }),
      rememberLinked: assign({ citizenId: (_, params: { userId: string }) => params.userId }),
      rememberPending: assign({
        pendingFlow: ({ event }) => intent(event),
        pendingSince: ({ event }) => (event.type === 'USER' ? event.at : null),
        request: ({ event }) => (event.type === 'USER' ? event.utterance.slots : {}),
      }),
      rememberRequest: assign({ request: ({ event }) => (event.type === 'USER' ? event.utterance.slots : {}) }),
      forgetRequest: assign({ request: {}, faqSuggestions: [] }),
      rememberSuggestions: assign({ faqSuggestions: (_, params: { reply: FaqReply }) => params.reply.suggestions }),
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
      isLinked: ({ event }) => event.type === 'USER' && event.citizenId !== null,
      wantsFlowWithoutLink: ({ event }) => {
        const flow = intent(event);
        return flow !== null && NEEDS_CITIZEN.has(flow) && event.type === 'USER' && event.citizenId === null;
      },
      wants: ({ event }, params: { flow: FlowName }) => intent(event) === params.flow,
      says: ({ event }, params: { acts: IntentName[] }) =>
        event.type === 'USER' && event.utterance.act !== null && params.acts.includes(event.utterance.act),
      pending: ({ context }, params: { flow: FlowName }) => context.pendingFlow === params.flow,
      hasText: ({ event }) => event.type === 'USER' && event.utterance.text.trim().length > 0,
      readsAsQuestionFirst: ({ event }) => event.type === 'USER' && event.utterance.faqFirst === true,
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
      cancelCard: createCancelCardMachine(ports),
      cardHistory: createCardHistoryMachine(ports),
      cards: createCardsMachine(ports),
      saveDocument: createSaveDocumentMachine(ports),
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
      askFaq: fromPromise<FaqReply & { question: boolean }, { question: string; client: string; isQuestion: boolean }>(
        async ({ input }) => ({ ...(await ports.askFaq(input.question, input.client)), question: input.isQuestion }),
      ),
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
              actions: ['rememberCitizen', 'clearPending'],
            },
            {
              guard: { type: 'wants', params: { flow: 'cancelCard' } },
              target: 'flow.cancelCard',
              actions: ['rememberCitizen', 'clearPending', 'rememberRequest'],
            },
            {
              guard: { type: 'wants', params: { flow: 'saveDocument' } },
              target: 'flow.saveDocument',
              actions: ['rememberCitizen', 'clearPending', 'rememberRequest'],
            },
            {
              guard: { type: 'wants', params: { flow: 'documents' } },
              target: 'flow.documents',
              actions: ['rememberCitizen', 'clearPending'],
            },
            {
              guard: { type: 'wants', params: { flow: 'cardHistory' } },
              target: 'flow.cardHistory',
              actions: ['rememberCitizen', 'clearPending', 'rememberRequest'],
            },
            {
              guard: { type: 'wants', params: { flow: 'cards' } },
              target: 'flow.cards',
              actions: ['rememberCitizen', 'clearPending'],
            },
            {
              guard: { type: 'wants', params: { flow: 'question' } },
              target: 'flow.question',
              actions: ['rememberCitizen', 'clearPending', 'forgetRequest'],
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
              // "sim", "ok", "kkk" with nothing asked: never a confident FAQ answer to a question nobody asked.
              guard: { type: 'says', params: { acts: ['out_of_context', 'yes', 'no', 'skip', 'inform'] } },
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
            client: `${context.conversation.channel}:${context.conversation.channelUserId}`,
            isQuestion: event.type === 'USER' && event.utterance.act === 'faq',
          }),
          onDone: [
            {
              guard: { type: 'confident', params: ({ event }) => ({ reply: event.output }) },
              target: 'menu',
              actions: [
                { type: 'enqueue', params: ({ event }) => ({ message: { text: event.output.answer!.answer } }) },
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
            client: `${context.conversation.channel}:${context.conversation.channelUserId}`,
            isQuestion: true,
          }),
          onDone: [
            {
              guard: { type: 'confident', params: ({ event }) => ({ reply: event.output }) },
              target: 'menu',
              actions: [
                'forgetHeldRequest',
                { type: 'enqueue', params: ({ event }) => ({ message: { text: event.output.answer!.answer } }) },
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
              target: 'menu',
              actions: [
                { type: 'enqueue', params: { message: { text: say.CANCELLED } } },
                { type: 'sayMenu', params: { lead: say.MENU_LEADS.choose } },
              ],
            },
            {
              guard: 'isMenu',
              target: 'menu',
              actions: { type: 'sayMenu', params: { lead: say.MENU_LEADS.backToStart } },
            },
            { guard: 'isHelp', actions: 'forwardHelp' },
            { guard: 'isBack', actions: 'forwardBack' },
            { actions: ['rememberCitizen', 'forwardInput'] },
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
          cardHistory: {
            invoke: {
              id: 'flow',
              src: 'cardHistory',
              input: ({ context }) => ({ citizenId: context.citizenId ?? '', card: context.request?.card }),
              onDone: [
                { guard: { type: 'gaveUp', params: ({ event }) => ({ output: event.output }) }, target: '#root.gaveUp' },
                { target: '#root.finished' },
              ],
            },
          },
          question: {
            invoke: {
              id: 'flow',
              src: 'question',
              input: ({ context }) => ({
                client: `${context.conversation.channel}:${context.conversation.channelUserId}`,
                suggestions: context.faqSuggestions ?? [],
              }),
              onDone: [
                { guard: { type: 'gaveUp', params: ({ event }) => ({ output: event.output }) }, target: '#root.gaveUp' },
                { target: '#root.finished' },
              ],
            },
          },
          cancelCard: {
            on: {
              USER: {
                // Leaving the block flow: "cancelei" would read as if the card had been cancelled.
                guard: 'isCancel',
                target: '#root.menu',
                actions: [
                  { type: 'enqueue', params: { message: { text: NOT_BLOCKED } } },
                  { type: 'sayMenu', params: { lead: say.MENU_LEADS.choose } },
                ],
              },
            },
            invoke: {
              id: 'flow',
              src: 'cancelCard',
              input: ({ context }) => ({
                citizenId: context.citizenId ?? '',
                keyPrefix: `${context.conversation.channel}:${context.conversation.conversationId}`,
                channel: context.conversation.channel,
                card: context.request?.card,
                reason: context.request?.blockReason,
              }),
              onDone: [
                { guard: { type: 'gaveUp', params: ({ event }) => ({ output: event.output }) }, target: '#root.gaveUp' },
                { target: '#root.finished' },
              ],
            },
          },
          saveDocument: {
            invoke: {
              id: 'flow',
              src: 'saveDocument',
              input: ({ context }) => ({
                citizenId: context.citizenId ?? '',
                conversation: context.conversation,
                type: context.request?.documentType,
                label: context.request?.documentLabel,
                number: context.request?.documentNumber,
                expiresAt: context.request?.date,
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
        always: { target: 'menu', actions: ['forgetRequest', { type: 'sayMenu', params: {} }] },
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
