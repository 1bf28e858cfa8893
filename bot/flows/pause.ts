import type { AnyStateMachine, StateValue } from 'xstate';
import type { PausedFlowName } from '../render/pause.pt-BR';
import type { Utterance } from '../understanding';

export type { PausedFlowName } from '../render/pause.pt-BR';

/**
 * A flow paused with everything the citizen typed: after MAX_FAILURES misses, a goodbye, or while a digression is
 * served. Kept in the root's context (so in the stored snapshot) and offered back within the idle window.
 */
export interface PausedFlow {
  flow: PausedFlowName;
  /** The step the flow was asking (its state value). */
  step: StateValue;
  /** The flow's context at that step: the values already given. */
  context: Record<string, unknown>;
  /** Whose data it is: never resumed for another citizen (after `desvincular` and a new link). */
  citizenId: string | null;
  /** When it was paused (the turn's `at`). */
  since: number;
  /**
   * A value for the paused step typed later at the menu ("12/2030"), held while the citizen is asked whether to go on
   * with it: given to the step as the answer when the flow is resumed.
   */
  value?: { text: string; utterance: Utterance; turnId: string } | null;
}

/** The flows that pause with their data; the others are one turn long, or (the FAQ's suggestions) are not worth it. */
/**
 * What each pausable flow is about, in the FAQ's words: searched with a question asked while the flow waits when the
 * question alone finds no sure answer.
 */
export const FLOW_TOPIC: Readonly<Record<PausedFlowName, string>> = {
  cancelCard: 'cartao bloqueado',
  recharge: 'recarga do cartao',
  saveDocument: 'documento',
  cardHistory: 'extrato do cartao',
};

export const PAUSABLE: ReadonlySet<string> = new Set<PausedFlowName>(['saveDocument', 'cancelCard', 'cardHistory', 'recharge']);

/** Input every pausable flow accepts: `resume` restarts it at the paused step instead of at its start. */
export interface ResumeInput {
  resume?: PausedFlow;
}

/**
 * `machine`, able to start from a paused step: with `resume` in its input, it starts at that step with the values
 * kept (and no miss counted), without running the step's entry, so the root asks the step again with REASK once the
 * flow runs. Without `resume` it starts as usual. Everything else (transitions, persistence) is the machine's own.
 */
export function resumable<M extends AnyStateMachine>(machine: M): M {
  const logic = Object.create(machine) as M;
  logic.getInitialSnapshot = (actorScope, input) => {
    const resume = (input as ResumeInput | undefined)?.resume;
    if (!resume) return machine.getInitialSnapshot(actorScope, input);
    return machine.resolveState({ value: resume.step, context: { ...resume.context, failures: 0 } });
  };
  return logic;
}

/** Whether `paused` may still be offered at `at`: the same citizen, within `minutes` of the pause. */
export function stillPaused(
  paused: PausedFlow | null | undefined,
  at: number,
  citizenId: string | null,
  minutes: number,
): paused is PausedFlow {
  return !!paused && paused.citizenId === citizenId && at - paused.since <= minutes * 60_000;
}
