import type { FaqAnswer, FaqEntry } from '../../src/faq/faq.service';

/** An FAQ entry as the admin API shows it. */
export interface FaqEntryView {
  id: string;
  /** kebab-case, unique, fixed at creation. */
  slug: string;
  question: string;
  answer: string;
  /** Other ways citizens ask the same thing; searched together with the question. */
  alternatives: string[];
  tags: string[];
  /** Inactive entries are never answered by the search. */
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The answer chosen by the search. */
export interface FaqAnswerView {
  id: string;
  slug: string;
  question: string;
  answer: string;
  /** From 0 to 1: how much of the question the entry explains. */
  score: number;
}

/** A question the citizen may pick next. */
export interface FaqSuggestionView {
  id: string;
  slug: string;
  question: string;
  /** From 0 to 1. */
  score: number;
}

/** The public search result. */
export interface FaqSearchView {
  /** True when `answer` is a confident answer. */
  confident: boolean;
  /** Null when no entry is confident enough. */
  answer: FaqAnswerView | null;
  /** When confident, related questions; otherwise the three closest questions. */
  suggestions: FaqSuggestionView[];
  /** What to do when this does not solve the problem (the 1746 central). */
  fallback: string;
}

/** Scores keep three decimals: more would only be noise to clients. */
function roundScore(score: number): number {
  return Math.round(score * 1000) / 1000;
}

export function presentFaqEntry(entry: FaqEntry): FaqEntryView {
  return {
    id: entry.id,
    slug: entry.slug,
    question: entry.question,
    answer: entry.answer,
    alternatives: entry.alternatives,
    tags: entry.tags,
    active: entry.active,
    createdAt: entry.createdAt.toISOString(),
    updatedAt: entry.updatedAt.toISOString(),
  };
}

export function presentFaqSearch(result: FaqAnswer): FaqSearchView {
  return {
    confident: result.confident,
    answer: result.answer && {
      id: result.answer.id,
      slug: result.answer.slug,
      question: result.answer.question,
      answer: result.answer.answer,
      score: roundScore(result.answer.score),
    },
    suggestions: result.suggestions.map(({ id, slug, question, score }) => ({ id, slug, question, score: roundScore(score) })),
    fallback: result.fallback,
  };
}
