import type { Expecting, PromptOption } from '../understanding';
import { YES_NO } from '../render/messages.pt-BR';

/** The options of a yes/no confirmation, as shown ("1. Sim", "2. Não"): "1 sim" is a yes, "1 não" answers nothing. */
export const YES_NO_OPTIONS: readonly PromptOption[] = YES_NO.map((choice, index) => ({
  intent: index === 0 ? 'yes' : 'no',
  label: choice.label,
}));

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
