/**
 * Measures the FAQ search on the committed evaluation set: `npx tsx scripts/faq-eval.ts` (npm run faq:eval).
 * Prints top-1 and top-3 accuracy, the false-confident rate and every failure; exits 1 when a threshold is missed.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeFailure, evaluate, unmetThresholds, type EvalItem } from '../src/faq/evaluation';
import { FaqSearchEngine } from '../src/faq/search-engine';
import { FAQ_PUBLISHED_ENTRIES } from '../src/faq/seed-entries';

const items = JSON.parse(readFileSync(join(__dirname, '..', 'tests', 'faq-eval', 'eval-set.json'), 'utf8')) as EvalItem[];
const engine = new FaqSearchEngine(FAQ_PUBLISHED_ENTRIES.map((entry) => ({ ...entry, id: entry.slug })));
const report = evaluate(items, (q, limit) => engine.search(q, limit));

const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;
for (const failure of report.failures) console.log(describeFailure(failure));
console.log(`\nIn-scope items: ${report.inScope}, out-of-scope items: ${report.outOfScope}`);
console.log(`Top-1 accuracy:        ${percent(report.top1)}`);
console.log(`Top-3 accuracy:        ${percent(report.top3)}`);
console.log(`Confident and correct: ${percent(report.confidentCorrect)}`);
console.log(`False-confident rate:  ${percent(report.falseConfident)}`);
const problems = unmetThresholds(report);
if (problems.length > 0) {
  console.error(`\nFAQ quality below the thresholds: ${problems.join('; ')}`);
  process.exitCode = 1;
}
