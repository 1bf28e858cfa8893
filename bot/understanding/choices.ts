import type { Choice } from '../flows/types';
import type { Utterance } from './index';
import { closeTo, simplify } from './normalise';

/**
 * The option the citizen meant among those a step shows: by number ("2", "2."), by button value, or by label
 * (accents, case and one typo forgiven, or one distinctive word of a label). Null when nothing matches. The options
 * depend on the step, so the machine asks this of an utterance already parsed.
 */
export function chooseFrom<T extends Choice>(utterance: Utterance, choices: readonly T[]): T | null {
  const simple = utterance.simple;
  if (simple === '') return null;
  if (utterance.number !== null) return choices[utterance.number - 1] ?? null;
  const byValue = choices.find((c) => simplify(c.value) === simple);
  if (byValue) return byValue;
  const byLabel = choices.find((c) => simplify(c.label) === simple);
  if (byLabel) return byLabel;
  const fuzzy = choices.filter((c) => closeTo(simple, simplify(c.label)));
  if (fuzzy.length === 1) return fuzzy[0];
  // One distinctive word of a label ("danificado" for "Cartão danificado"), when it points to a single choice.
  if (simple.length >= 4 && !simple.includes(' ')) {
    const byWord = choices.filter((c) =>
      simplify(c.label)
        .split(' ')
        .some((word) => word.length >= 4 && closeTo(simple, word)),
    );
    if (byWord.length === 1) return byWord[0];
  }
  return null;
}
