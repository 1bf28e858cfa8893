/**
 * Measures the FAQ search on the committed evaluation set: `npx tsx scripts/faq-eval.ts` (npm run faq:eval).
 * Prints top-1 and top-3 accuracy, the false-confident rate and every failure; exits 1 when a threshold is missed.
 * The sealed sets (tests/faq-eval/dev-set-2.json, dev-set-3.json and long-set.json, citizen phrasings written before
 * any tuning on them) are scored on their own "dev", "dev3" and "long" lines, and per half (even and odd items) so one half can tune and the
 * other confirm; they have no accuracy threshold, only false-confident must stay 0.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeFailure, evaluate, unmetThresholds, type EvalItem, type EvalReport } from '../src/faq/evaluation';
import { FaqSearchEngine } from '../src/faq/search-engine';
import { FAQ_PUBLISHED_ENTRIES } from '../src/faq/seed-entries';

const load = (file: string): EvalItem[] =>
  JSON.parse(readFileSync(join(__dirname, '..', 'tests', 'faq-eval', file), 'utf8')) as EvalItem[];
const engine = new FaqSearchEngine(FAQ_PUBLISHED_ENTRIES.map((entry) => ({ ...entry, id: entry.slug })));
const search = (q: string, limit: number) => engine.search(q, limit);
const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;
const summary = (report: EvalReport): string =>
  `top-1 ${percent(report.top1)}, top-3 ${percent(report.top3)}, confident and correct ${percent(report.confidentCorrect)}, ` +
  `confident and wrong ${percent(report.confidentWrong)}, false-confident ${percent(report.falseConfident)} (${report.inScope} in scope, ${report.outOfScope} out of scope)`;

const report = evaluate(load('eval-set.json'), search);
for (const failure of report.failures) console.log(describeFailure(failure));
console.log(`\nIn-scope items: ${report.inScope}, out-of-scope items: ${report.outOfScope}`);
console.log(`Top-1 accuracy:        ${percent(report.top1)}`);
console.log(`Top-3 accuracy:        ${percent(report.top3)}`);
console.log(`Confident and correct: ${percent(report.confidentCorrect)}`);
console.log(`Confident and wrong:   ${percent(report.confidentWrong)}`);
console.log(`False-confident rate:  ${percent(report.falseConfident)}`);
const problems = unmetThresholds(report);

/**
 * A sealed development set on its own line and per half: even items (A) tune, odd items (B) are kept aside and only
 * scored. `--dev-failures` prints the failures of the A halves only, so the kept-aside half is never read for tuning.
 */
for (const [name, file] of [
  ['dev', 'dev-set-2.json'],
  ['dev3', 'dev-set-3.json'],
  ['long', 'long-set.json'],
] as const) {
  const items = load(file);
  const tuning = evaluate(
    items.filter((_, index) => index % 2 === 0),
    search,
  );
  const keptAside = evaluate(
    items.filter((_, index) => index % 2 === 1),
    search,
  );
  const all = evaluate(items, search);
  if (process.argv.includes('--dev-failures')) for (const failure of tuning.failures) console.log(describeFailure(failure));
  console.log(`\n${name.padEnd(6)} ${summary(all)}`);
  console.log(`${`${name} A`.padEnd(6)} ${summary(tuning)}`);
  console.log(`${`${name} B`.padEnd(6)} ${summary(keptAside)}`);
  if (all.falseConfident > 0) problems.push(`${name} false-confident ${all.falseConfident.toFixed(3)} > 0`);
}

if (problems.length > 0) {
  console.error(`\nFAQ quality below the thresholds: ${problems.join('; ')}`);
  process.exitCode = 1;
}
