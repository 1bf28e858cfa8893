import type { Choice } from '../flows/types';
import type { Utterance } from './index';
import { analyze, relatedTerms } from '../../src/faq/synonyms';
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

/** Words in almost every citizen's question: sharing one of them says nothing about which question is meant. */
const GENERIC_TERMS: ReadonlySet<string> = new Set(
  'quanto quantos duvida duvidas pergunta perguntar perguntinha questao tirar ajuda ajudar informacao iplani carteira digital carioca'
    .split(' ')
    .flatMap((word) => analyze(word).map((token) => token.term)),
);

/** The meaningful words of a text as the FAQ analyses them (stemmed, synonyms merged), generic ones left out. */
export function topicWords(text: string): string[] {
  return [...new Set(analyze(text).map((token) => token.term))].filter((term) => !GENERIC_TERMS.has(term));
}

function sameTerm(a: string, b: string): boolean {
  return a === b || (a.length >= 5 && closeTo(a, b)) || relatedTerms(a).includes(b);
}

/**
 * The suggested questions worth offering for `message`: those sharing at least one meaningful word with it (stems,
 * synonyms, related words and one typo forgiven), most shared words first, the search's order among equals. A question that shares
 * nothing with what the citizen wrote is left out rather than offered at random.
 */
export function closestByWords<T extends { question: string }>(message: string, suggestions: readonly T[]): T[] {
  return suggestions
    .map((suggestion, order) => ({
      suggestion,
      order,
      shared: sharedWords(message, suggestion.question),
    }))
    .filter((candidate) => candidate.shared > 0)
    .sort((a, b) => b.shared - a.shared || a.order - b.order)
    .map((candidate) => candidate.suggestion);
}

/**
 * The option an answer names by its words when it is not the option's number or label: "a dos idosos" among
 * "Pessoa com deficiência tem gratuidade…", "Idosos têm gratuidade…" is the second. Only the one option sharing
 * the most meaningful words with the answer, and only when no other shares as many: a tie is no choice.
 */
export function chooseByWords<T extends Choice>(utterance: Utterance, choices: readonly T[]): T | null {
  const [best, second] = choices
    .map((choice) => ({ choice, shared: sharedWords(utterance.text, choice.label) }))
    .filter((candidate) => candidate.shared > 0)
    .sort((a, b) => b.shared - a.shared);
  if (!best || (second && second.shared === best.shared)) return null;
  return best.choice;
}

function sharedWords(message: string, question: string): number {
  const asked = topicWords(message);
  return topicWords(question).filter((term) => asked.some((word) => sameTerm(word, term))).length;
}
