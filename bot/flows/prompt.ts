import type { Expecting, PromptOption, PromptStep } from '../understanding';
import { REASONS } from '../render/cancel-card.pt-BR';
import { YES_NO } from '../render/messages.pt-BR';
import { CONTINUE, DROP } from '../render/pause.pt-BR';
import { SKIP, STATE_CHOICES, TYPE_CHOICES } from '../render/save-document.pt-BR';

/*
 * The options each prompt shows, in the order shown, with what picking one means: the one declaration the machines give
 * the understanding (`expecting.options`, so "2", "a segunda" or the label read as that option) and the evaluation
 * scores with. Built from the very choices the prompts render, never copied. Card lists and FAQ suggestions are the
 * citizen's own and so are not declared: the understanding reads a digit at a card step as the card in that place.
 */

/** The options of a yes/no confirmation, as shown ("1. Sim", "2. Não"): "1 sim" is a yes, "1 não" answers nothing. */
export const YES_NO_OPTIONS: readonly PromptOption[] = YES_NO.map((choice, index) => ({
  intent: index === 0 ? 'yes' : 'no',
  label: choice.label,
}));

/** "1. Pular" at an optional step. */
export const SKIP_OPTIONS: readonly PromptOption[] = [{ intent: 'skip', label: SKIP.label }];

/** The document types. */
export const TYPE_OPTIONS: readonly PromptOption[] = TYPE_CHOICES.map((c) => ({
  intent: 'inform',
  slots: { documentType: c.value },
  label: c.label,
}));

/** The RG's issuing states, and Pular. */
export const STATE_OPTIONS: readonly PromptOption[] = STATE_CHOICES.map((c) =>
  c === SKIP ? { intent: 'skip', label: c.label } : { intent: 'inform', slots: { state: c.value }, label: c.label },
);

/** The block reasons. */
export const REASON_OPTIONS: readonly PromptOption[] = REASONS.map((r) => ({
  intent: 'inform',
  slots: { blockReason: r.value },
  label: r.label,
}));

/** The offer to go on with a paused flow: "Continuar" is a yes to it, "Não" a no. */
export const RESUME_OPTIONS: readonly PromptOption[] = [
  { intent: 'yes', label: CONTINUE.label },
  { intent: 'no', label: DROP.label },
];

/** The declared options of every prompt that has fixed ones. */
export const STEP_OPTIONS: Readonly<Partial<Record<PromptStep, readonly PromptOption[]>>> = {
  'block.reason': REASON_OPTIONS,
  'block.confirm': YES_NO_OPTIONS,
  'save.type': TYPE_OPTIONS,
  'save.state': STATE_OPTIONS,
  'save.labelConfirm': YES_NO_OPTIONS,
  'save.expiry': SKIP_OPTIONS,
  'save.attachment': SKIP_OPTIONS,
  'save.confirm': YES_NO_OPTIONS,
  'recharge.confirm': YES_NO_OPTIONS,
  'resume.offer': RESUME_OPTIONS,
};

/** Invalid answers in a row after which a flow stops asking and gives up (the root pauses it with its data). */
export const MAX_FAILURES = 3;

/**
 * A step that asks the citizen something, as an XState state config. Every question of every flow has this shape:
 * - on entry, `ask`;
 * - INPUT: the first of `answers` whose guard holds; otherwise, after MAX_FAILURES misses in a row, `giveUp` tells the
 *   root, which pauses the flow at this step with its data (bot/flows/pause.ts) instead of discarding what was typed;
 *   otherwise the miss is counted, `invalid` says why and the question is asked again;
 * - HELP: `help` explains the step, then the question is asked again;
 * - BACK: `back` (an earlier step), or by default the same question again;
 * - REASK: the same question again (a paused flow resumed, a question answered in between).
 *
 * `expecting` (the step's name and the numbered options it shows) goes into the state's meta: the engine reads it to
 * tell the understanding what the message answers ("1" at "1. Pular" is a skip).
 *
 * The machine provides what the shape names: the actions `countFailure` and `giveUp` (a GIVE_UP to the root) and the
 * guard `tooManyFailures` (true when this miss would be the MAX_FAILURES-th). The names are checked against the machine's
 * `setup` where the config is used, like any hand-written state.
 */
export function promptState<
  const Ask extends string,
  const Answers extends readonly object[],
  const Invalid,
  const Help,
  const Back = { readonly actions: Ask },
>(options: { ask: Ask; answers: Answers; invalid: Invalid; help: Help; back?: Back; expecting?: Expecting }) {
  const back = (options.back ?? { actions: options.ask }) as Back;
  return {
    ...(options.expecting ? { meta: { expecting: options.expecting } } : {}),
    entry: options.ask,
    on: {
      INPUT: [
        ...options.answers,
        { guard: 'tooManyFailures', actions: 'giveUp' },
        { actions: ['countFailure', options.invalid, options.ask] },
      ],
      HELP: { actions: [options.help, options.ask] },
      BACK: back,
      REASK: { actions: options.ask },
    },
  } as const;
}
