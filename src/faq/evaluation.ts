/**
 * Answer-quality metrics of the FAQ search over a labelled evaluation set. Pure: the caller supplies the search function,
 * so the evaluation script and the quality test measure exactly the same thing.
 */

import type { FaqSearchResult } from './search-engine';

/** One labelled question: `expected` is the slug of the right entry, or null when the base should not answer. */
export interface EvalItem {
  q: string;
  expected: string | null;
}

/** An item the search got wrong, with what it answered instead (slugs of the top hits). */
export interface EvalFailure {
  q: string;
  expected: string | null;
  kind: 'miss-top1' | 'miss-top3' | 'false-confident';
  confident: boolean;
  got: Array<{ slug: string; score: number }>;
}

export interface EvalReport {
  inScope: number;
  outOfScope: number;
  /** Share of in-scope items whose first hit is the expected entry. */
  top1: number;
  /** Share of in-scope items with the expected entry among the first three hits. */
  top3: number;
  /** Share of in-scope items answered confidently with the expected entry. */
  confidentCorrect: number;
  /**
   * Share of in-scope items answered confidently with another entry: the citizen is shown an answer to a question they
   * did not ask, worse than suggestions.
   */
  confidentWrong: number;
  /** Share of out-of-scope items that got a confident answer. */
  falseConfident: number;
  failures: EvalFailure[];
}

/** The thresholds the issue sets for the committed evaluation set. */
export const QUALITY_THRESHOLDS = { top1: 0.9, top3: 0.97, falseConfident: 0.1 } as const;

/** Runs every item through `search` (asked for three hits) and computes the metrics and the list of failures. */
export function evaluate(items: readonly EvalItem[], search: (q: string, limit: number) => FaqSearchResult): EvalReport {
  let inScope = 0;
  let outOfScope = 0;
  let top1 = 0;
  let top3 = 0;
  let confidentCorrect = 0;
  let confidentWrong = 0;
  let falseConfident = 0;
  const failures: EvalFailure[] = [];
  for (const item of items) {
    const result = search(item.q, 3);
    const slugs = result.hits.map((hit) => hit.slug);
    const got = result.hits.map((hit) => ({ slug: hit.slug, score: hit.score }));
    const failure = (kind: EvalFailure['kind']): EvalFailure => ({ ...item, kind, confident: result.confident, got });
    if (item.expected === null) {
      outOfScope++;
      if (result.confident) {
        falseConfident++;
        failures.push(failure('false-confident'));
      }
      continue;
    }
    inScope++;
    if (slugs[0] === item.expected) top1++;
    if (slugs.slice(0, 3).includes(item.expected)) top3++;
    if (result.confident && result.best?.slug === item.expected) confidentCorrect++;
    if (result.confident && result.best?.slug !== item.expected) confidentWrong++;
    if (slugs[0] !== item.expected) failures.push(failure(slugs.includes(item.expected) ? 'miss-top1' : 'miss-top3'));
  }
  return {
    inScope,
    outOfScope,
    top1: ratio(top1, inScope),
    top3: ratio(top3, inScope),
    confidentCorrect: ratio(confidentCorrect, inScope),
    confidentWrong: ratio(confidentWrong, inScope),
    falseConfident: ratio(falseConfident, outOfScope),
    failures,
  };
}

/** The thresholds `report` misses, as readable sentences; empty when the quality is acceptable. */
export function unmetThresholds(report: EvalReport): string[] {
  const problems: string[] = [];
  if (report.top1 < QUALITY_THRESHOLDS.top1) problems.push(`top-1 ${report.top1.toFixed(3)} < ${QUALITY_THRESHOLDS.top1}`);
  if (report.top3 < QUALITY_THRESHOLDS.top3) problems.push(`top-3 ${report.top3.toFixed(3)} < ${QUALITY_THRESHOLDS.top3}`);
  if (report.falseConfident > QUALITY_THRESHOLDS.falseConfident) {
    problems.push(`false-confident ${report.falseConfident.toFixed(3)} > ${QUALITY_THRESHOLDS.falseConfident}`);
  }
  return problems;
}

/**
 * A failure as two readable lines: what was asked and expected, then the engine's first hit and the runner-ups by
 * score, highest first. The engine ranks by more than the score shown (BM25 and the closest phrasing count too), so
 * its own order of the runner-ups would read as shuffled scores.
 */
export function describeFailure(failure: EvalFailure): string {
  const shown = (hit: { slug: string; score: number }) => `${hit.slug} ${hit.score.toFixed(2)}`;
  const [first, ...runnersUp] = failure.got;
  const expected = `${failure.expected ?? 'no answer'}${failure.confident ? ' [confident]' : ''}`;
  const got = first ? [shown(first), ...[...runnersUp].sort((a, b) => b.score - a.score).map(shown)].join(' | ') : '(nothing)';
  return `${failure.kind.padEnd(15)} "${failure.q}" expected ${expected}\n${' '.repeat(16)}got ${got}`;
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}
