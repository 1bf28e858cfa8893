import { assign, fromPromise, sendParent, setup } from 'xstate';
import * as text from '../render/question.pt-BR';
import type { BotMessage, Choice, FaqReply, FlowEvent, SayEvent, WalletPorts, GiveUpEvent } from './types';
import { chooseByWords, chooseFrom, howItWorksQuestion, topicWords, type IntentName, type Utterance } from '../understanding';
import { MAX_FAILURES, promptState } from './prompt';

const NONE = 'nenhuma';

interface QuestionContext {
  /** Who asks, for the FAQ's per-client rate limit (the channel user, not personal data). */
  client: string;
  suggestions: Array<{ id: string; question: string }>;
  failures: number;
}

function suggestionsMessage(suggestions: QuestionContext['suggestions']): BotMessage {
  return text.suggestions(
    suggestions.map((s) => s.question),
    NONE,
  );
}

/** What a short reply at the suggestions can be besides a pick: "valeu, vou olhar o extrato" picks nothing. */
const NOT_A_PICK: ReadonlySet<IntentName> = new Set(['thanks', 'goodbye', 'greeting', 'no', 'cancel', 'back', 'help']);
/** A reply that names an option by its words is short ("a dos idosos", "essa do extrato"); a longer one says more. */
const PICK_MAX_WORDS = 5;

/**
 * The option an answer picks among the suggestions: by number, button or label, or else, for a short reply that is
 * not thanks or a goodbye, by its words ("a dos idosos" picks "Idosos têm gratuidade no transporte?" when no other
 * question shares as many of them).
 */
function chosenOption(context: QuestionContext, utterance: Utterance): Choice | null {
  const choices = suggestionsMessage(context.suggestions).choices!;
  const exact = chooseFrom(utterance, choices);
  if (exact) return exact;
  const short = utterance.simple.split(' ').length <= PICK_MAX_WORDS;
  return short && !(utterance.act && NOT_A_PICK.has(utterance.act)) ? chooseByWords(utterance, choices) : null;
}

/** Replies that are no new question, whatever words they hold. */
const NO_QUESTION: ReadonlySet<IntentName> = new Set([...NOT_A_PICK, 'yes', 'out_of_context', 'skip']);

/**
 * A reply at the suggestions that picks none of them and asks anew: it names a topic, and either none of its
 * meaningful words is in any suggested question ("lgpd" after questions about passwords) or it is worded as a question
 * of its own ("como faço pra vincular" after "vincular": the citizen rephrased rather than picked). It is searched as a
 * new question instead of being refused as a wrong pick.
 */
function asksSomethingElse(context: QuestionContext, utterance: Utterance): boolean {
  if (chosenOption(context, utterance) || (utterance.act && NO_QUESTION.has(utterance.act))) return false;
  const words = topicWords(utterance.text);
  if (words.length === 0) return false;
  if (howItWorksQuestion(utterance.text) !== null) return true;
  const offered = new Set(context.suggestions.flatMap((s) => topicWords(s.question)));
  return words.every((word) => !offered.has(word));
}

/** 5 · Fazer uma pergunta: free text -> FAQ answer, or the three closest questions, or the 1746 central. */
export function createQuestionMachine(ports: WalletPorts) {
  return setup({
    types: {
      context: {} as QuestionContext,
      /** `suggestions`: the closest questions the menu already found for a question the FAQ could not answer. */
      input: {} as { client: string; suggestions?: QuestionContext['suggestions'] },
      events: {} as FlowEvent,
    },
    actions: {
      ask: sendParent((): SayEvent => ({ type: 'SAY', message: text.ASK })),
      explain: sendParent((): SayEvent => ({ type: 'SAY', message: { text: text.HELP } })),
      sayAnswer: sendParent((_, params: { answer: { question: string; answer: string } }): SayEvent => ({
        type: 'SAY',
        message: { text: params.answer.answer },
      })),
      saySuggestions: sendParent(({ context }): SayEvent => ({ type: 'SAY', message: suggestionsMessage(context.suggestions) })),
      say1746: sendParent((): SayEvent => ({ type: 'SAY', message: { text: text.FALLBACK_1746 } })),
      sayReason: sendParent((_, params: { reason: string }): SayEvent => ({ type: 'SAY', message: { text: params.reason } })),
      sayServiceError: sendParent((): SayEvent => ({ type: 'SAY', message: { text: text.SEARCH_FAILED } })),
      rememberSuggestions: assign({
        suggestions: (_, params: { reply: FaqReply }) => params.reply.suggestions.slice(0, 3),
        failures: 0,
      }),
      countFailure: assign({ failures: ({ context }) => context.failures + 1 }),
      giveUp: sendParent((): GiveUpEvent => ({ type: 'GIVE_UP' })),
      resetFailures: assign({ failures: 0 }),
    },
    guards: {
      hasText: ({ event }) => event.type === 'INPUT' && event.utterance.text.trim().length > 0,
      isConfident: (_, params: { reply: FaqReply }) => params.reply.confident && params.reply.answer !== null,
      hasSuggestions: (_, params: { reply: FaqReply }) => params.reply.suggestions.length > 0,
      choseNone: ({ context, event }) => event.type === 'INPUT' && chosenOption(context, event.utterance)?.value === NONE,
      choseSuggestion: ({ context, event }) => event.type === 'INPUT' && chosenOption(context, event.utterance) !== null,
      asksSomethingElse: ({ context, event }) => event.type === 'INPUT' && asksSomethingElse(context, event.utterance),
      hasSuggestionsToOffer: ({ context }) => context.suggestions.length > 0,
      hasEntry: (_, params: { entry: unknown }) => params.entry !== null,
      tooManyFailures: ({ context }) => context.failures + 1 >= MAX_FAILURES,
    },
    actors: {
      askFaq: fromPromise<FaqReply, { question: string; client: string }>(({ input }) =>
        ports.askFaq(input.question, input.client),
      ),
      faqEntry: fromPromise<{ question: string; answer: string } | null, { id: string }>(({ input }) => ports.faqEntry(input.id)),
    },
  }).createMachine({
    id: 'question',
    context: ({ input }) => ({
      client: input.client,
      suggestions: (input.suggestions ?? []).slice(0, 3),
      failures: 0,
    }),
    initial: 'start',
    states: {
      start: {
        always: [{ guard: 'hasSuggestionsToOffer', target: 'suggesting' }, { target: 'asking' }],
      },
      asking: promptState({
        ask: 'ask',
        answers: [{ guard: 'hasText', target: 'searching', actions: 'resetFailures' }],
        invalid: { type: 'sayReason', params: { reason: text.INVALID.asking } },
        help: 'explain',
      }),
      searching: {
        tags: ['busy'],
        invoke: {
          id: 'askFaq',
          src: 'askFaq',
          input: ({ context, event }) => ({
            question: event.type === 'INPUT' ? event.utterance.text : '',
            client: context.client,
          }),
          onDone: [
            {
              guard: { type: 'isConfident', params: ({ event }) => ({ reply: event.output }) },
              target: 'done',
              actions: { type: 'sayAnswer', params: ({ event }) => ({ answer: event.output.answer! }) },
            },
            {
              guard: { type: 'hasSuggestions', params: ({ event }) => ({ reply: event.output }) },
              target: 'suggesting',
              actions: { type: 'rememberSuggestions', params: ({ event }) => ({ reply: event.output }) },
            },
            { target: 'done', actions: 'say1746' },
          ],
          onError: { target: 'done', actions: 'sayServiceError' },
        },
      },
      suggesting: promptState({
        ask: 'saySuggestions',
        expecting: { at: 'faq.suggestions' },
        answers: [
          { guard: 'choseNone', target: 'done', actions: 'say1746' },
          { guard: 'choseSuggestion', target: 'loadingEntry' },
          { guard: 'asksSomethingElse', target: 'searching' },
        ],
        invalid: { type: 'sayReason', params: { reason: text.INVALID.suggesting } },
        help: { type: 'sayReason', params: { reason: text.HELP_SUGGESTIONS } },
        back: { target: 'asking' },
      }),
      loadingEntry: {
        tags: ['busy'],
        invoke: {
          id: 'faqEntry',
          src: 'faqEntry',
          input: ({ context, event }) => {
            const chosen = event.type === 'INPUT' ? chosenOption(context, event.utterance) : null;
            return { id: context.suggestions.find((s) => s.question === chosen?.value)?.id ?? '' };
          },
          onDone: [
            {
              guard: { type: 'hasEntry', params: ({ event }) => ({ entry: event.output }) },
              target: 'done',
              actions: { type: 'sayAnswer', params: ({ event }) => ({ answer: event.output! }) },
            },
            { target: 'done', actions: 'say1746' },
          ],
          onError: { target: 'done', actions: 'sayServiceError' },
        },
      },
      done: { type: 'final' },
    },
  });
}
