import { normalizeText, tokenize } from './text';

/**
 * A follow-up to the FAQ answer just given is short: "e pra idoso?", "e minha vó de 67 anos?", "e no metrô?". A longer
 * message says enough to be searched on its own.
 */
export const FOLLOW_UP_MAX_WORDS = 6;

/** How a follow-up opens: "e ...", "e pra ...", "e se ...", "e no/na ...", "e quanto a ...". */
const FOLLOW_UP_OPENING = /^e\s+\S/;

/**
 * Whether a message reads as an elliptical follow-up to the question before it: it opens with "e" and is short, so it
 * leaves the topic to the previous question.
 */
export function readsAsFollowUp(text: string): boolean {
  const normalized = normalizeText(text);
  return FOLLOW_UP_OPENING.test(normalized) && tokenize(normalized).length <= FOLLOW_UP_MAX_WORDS + 1;
}

/**
 * The FAQ query for an elliptical follow-up: the previous question with the new message after it, so that the new
 * words (the other audience, the other place) are read in the previous question's topic ("estudante tem gratuidade?"
 * then "e pra idoso?" searches "estudante tem gratuidade? e pra idoso?"). Null when the message is no follow-up.
 */
export function followUpQuery(previousQuestion: string, text: string): string | null {
  return readsAsFollowUp(text) ? `${previousQuestion.trim()} ${text.trim()}` : null;
}

/** What one FAQ search found, as far as choosing a follow-up's answer needs: its sure answer and its ranking. */
export interface FollowUpSearch {
  confident: boolean;
  /** The entry answered (the best hit), or null. */
  answerId: string | null;
  /** The entries found, best first: the answer, then the suggestions. */
  rankedIds: string[];
}

/**
 * Which search answers a follow-up, or null when neither is sure enough. The message alone answers when its entry is
 * among those its combination with the previous question finds ("e pra idoso?" after the students' gratuity: the
 * elderly's gratuity, which the combination ties with the students'); else the combination answers when it is sure of
 * an entry ("e se eu achar o cartão?" after blocking a card: unblocking it). The combination lands on the previous
 * entry again only when the message alone also found it ("e no metrô?" after the fare: the fare entry covers the
 * metro too); otherwise it only repeats the previous question's words ("e a pizza?" after the students' gratuity).
 */
export function followUpChoice(previousId: string, alone: FollowUpSearch, combined: FollowUpSearch): 'alone' | 'combined' | null {
  if (alone.confident && alone.answerId && alone.answerId !== previousId && combined.rankedIds.includes(alone.answerId)) {
    return 'alone';
  }
  if (!combined.confident || !combined.answerId) return null;
  return combined.answerId !== previousId || alone.rankedIds.includes(previousId) ? 'combined' : null;
}
