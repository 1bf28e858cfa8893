/**
 * FAQ search latency on the seeded base: `npx tsx bench/faq-search.ts [rounds]`.
 * Builds the engine from the seed (timed), then runs every evaluation question `rounds` times and prints percentiles.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvalItem } from '../src/faq/evaluation';
import { FaqSearchEngine } from '../src/faq/search-engine';
import { FAQ_PUBLISHED_ENTRIES } from '../src/faq/seed-entries';

const rounds = Number(process.argv[2] ?? 50);
const items = JSON.parse(readFileSync(join(__dirname, '..', 'tests', 'faq-eval', 'eval-set.json'), 'utf8')) as EvalItem[];
const entries = FAQ_PUBLISHED_ENTRIES.map((entry) => ({ ...entry, id: entry.slug }));

/** Milliseconds to build an engine from `list`. */
function timeBuild(list: typeof entries): number {
  const start = process.hrtime.bigint();
  new FaqSearchEngine(list);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const coldBuildMs = timeBuild(entries);
// A rebuild after an admin's change happens in a warm process; 100 entries is the size the issue budgets for.
const hundred = Array.from({ length: 100 }, (_, i) => {
  const entry = entries[i % entries.length];
  return { ...entry, id: `${entry.slug}-${i}`, slug: `${entry.slug}-${i}` };
});
const warmBuildMs = Math.min(...Array.from({ length: 5 }, () => timeBuild(hundred)));
const engine = new FaqSearchEngine(entries);

// Warm-up so the JIT has compiled the hot paths before anything is measured.
for (const item of items) engine.search(item.q);

const samples: number[] = [];
for (let round = 0; round < rounds; round++) {
  for (const item of items) {
    const start = process.hrtime.bigint();
    engine.search(item.q);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
}
samples.sort((a, b) => a - b);
const percentile = (p: number): string =>
  samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))].toFixed(3);

console.log(`Build: ${entries.length} entries cold ${coldBuildMs.toFixed(2)} ms; 100 entries warm ${warmBuildMs.toFixed(2)} ms`);
console.log(`Searches: ${samples.length} (${items.length} questions x ${rounds} rounds)`);
console.log(`Latency ms  p50 ${percentile(50)}  p95 ${percentile(95)}  p99 ${percentile(99)}  max ${samples.at(-1)!.toFixed(3)}`);
