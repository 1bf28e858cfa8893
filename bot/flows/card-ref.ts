import { chooseFrom, pointsAtTheOnlyOption, type CardRef, type Utterance } from '../understanding';
import type { CardSummary } from './types';

/**
 * The card `ref` names in `cards`: by its last digits (when only one card ends so), by its place (1-based, the last, or
 * the middle one, which a list of even length does not have), or as "esse mesmo", which names the only card there is.
 * Shared by every flow that lets the citizen name a card.
 */
export function cardNamed(cards: CardSummary[], ref: CardRef | null): CardSummary | null {
  if (!ref) return null;
  // Two digits may end more than one card ("o final 12"): then they name none, and the citizen is asked which.
  if ('last4' in ref) {
    const ending = cards.filter((card) => card.masked.endsWith(ref.last4));
    return ending.length === 1 ? ending[0] : null;
  }
  if (ref.position === 'this') return cards.length === 1 ? cards[0] : null;
  if (ref.position === 'last') return cards.at(-1) ?? null;
  if (ref.position === 'middle') return cards.length % 2 === 1 ? cards[(cards.length - 1) / 2] : null;
  return cards[ref.position - 1] ?? null;
}

/**
 * The card an answer at a card step picks among `cards` (the ones offered, shown as `choices`): by its option, its
 * digits or its place; and where a single card is offered (the one named is blocked, the other is active), a yes to it or
 * "o outro", "esse" ("entao no outro"). Null when the answer names none of them.
 */
export function cardAnswered(
  cards: CardSummary[],
  choices: Parameters<typeof chooseFrom>[1],
  utterance: Utterance,
): CardSummary | null {
  const choice = chooseFrom(utterance, choices);
  if (choice) return cards.find((card) => card.masked.endsWith(choice.value)) ?? null;
  const named = cardNamed(cards, utterance.slots.card ?? null);
  if (named) return named;
  return cards.length === 1 && (utterance.yesNo === true || pointsAtTheOnlyOption(utterance.simple)) ? cards[0] : null;
}

/**
 * Why `ref` names none of `cards`, for the citizen to be told: digits that end no card or more than one ("mais de um
 * cartão termina em 12"), or a place beyond the list ("o segundo" when there is one card). Null when it names one.
 */
export type CardMiss = { ending: string; matching: number } | { count: number } | null;

/** The `CardMiss` of `ref` among `cards`. */
export function cardMiss(cards: CardSummary[], ref: CardRef | null): CardMiss {
  if (!ref || cardNamed(cards, ref)) return null;
  if ('last4' in ref) return { ending: ref.last4, matching: cards.filter((card) => card.masked.endsWith(ref.last4)).length };
  return { count: cards.length };
}
