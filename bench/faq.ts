/**
 * FAQ search through the service on the seeded database: `npx tsx bench/faq.ts [rounds]`.
 *
 * Opens a fresh in-memory PGlite (or the database of BENCH_DATABASE_URL, which it migrates), so the base is exactly
 * what the migration seeds. Every search runs the whole service path the REST route and the bot use: the rate-limit
 * upsert (limit set out of the way), the revision check and the in-memory engine. Prints the answer quality measured
 * this way on the committed evaluation set, the latency percentiles, and the cost of the first search after an admin's
 * change (rebuild of the index from the database).
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RequestContext } from '@mikro-orm/core';
import { openDatabase } from '../src/db/orm';
import { evaluate, unmetThresholds, type EvalItem } from '../src/faq/evaluation';
import { FaqService, type FaqAnswer } from '../src/faq/faq.service';
import type { FaqHit, FaqSearchResult } from '../src/faq/search-engine';
import { RateLimiter } from '../src/shared/rate-limiter';
import { RateLimitWindowsRepository } from '../src/shared/rate-limit-windows.repository';
import { FaqEntriesRepository } from '../src/faq/faq-entries.repository';
import { Transactions } from '../src/db/repository';

const rounds = Number(process.argv[2] ?? 20);
const items = JSON.parse(readFileSync(join(__dirname, '..', 'tests', 'faq-eval', 'eval-set.json'), 'utf8')) as EvalItem[];
const admin = { id: '00000000-0000-7000-8000-000000000000', role: 'admin' as const };

/** The service's answer as the evaluation sees a search result: the answer first, then the suggestions. */
function asResult(answer: FaqAnswer): FaqSearchResult {
  const suggestions: FaqHit[] = answer.suggestions.map((suggestion) => ({ ...suggestion, answer: '' }));
  return {
    confident: answer.confident,
    best: answer.answer,
    hits: answer.answer ? [answer.answer, ...suggestions] : suggestions,
  };
}

function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(3);
  return `p50 ${at(50)}  p95 ${at(95)}  p99 ${at(99)}  max ${sorted.at(-1)!.toFixed(3)}`;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await work();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

async function main(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL;
  const db = await openDatabase(url ? { kind: 'postgresql', url, poolMax: 2 } : { kind: 'pglite', dataDir: 'memory://' });
  try {
    await RequestContext.create(db.em, async () => {
      const faq = new FaqService(
        new Transactions(db.em),
        new FaqEntriesRepository(db.em),
        { queryMaxLength: 200 },
        new RateLimiter('bench-faq', { limit: 1e9, windowSeconds: 60 }, new RateLimitWindowsRepository(db.em)),
      );

      // The first search builds the index; the quality pass also warms the JIT up before anything is timed.
      const answers = new Map<string, FaqAnswer>();
      for (const item of items) answers.set(item.q, await faq.search(item.q, 'bench'));
      const report = evaluate(items, (q) => asResult(answers.get(q)!));

      const samples: number[] = [];
      for (let round = 0; round < rounds; round++) {
        for (const item of items) samples.push((await timed(() => faq.search(item.q, 'bench')))[1]);
      }

      // An admin's change bumps the revision: the next search reloads the base and rebuilds the index.
      const rebuilds: number[] = [];
      const {
        items: [entry],
      } = await faq.list(admin, { limit: 1 });
      for (let i = 0; i < 20; i++) {
        await faq.update(admin, entry.id, { tags: [...entry.tags.slice(0, 9), `bench-${i}`] });
        rebuilds.push((await timed(() => faq.search(items[i].q, 'bench')))[1]);
      }

      const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
      console.log(`Database: ${url ? 'PostgreSQL (BENCH_DATABASE_URL)' : 'embedded PGlite (in memory)'}`);
      console.log(
        `Quality through the service: top-1 ${percent(report.top1)}, top-3 ${percent(report.top3)}, ` +
          `false-confident ${percent(report.falseConfident)}` +
          (unmetThresholds(report).length > 0 ? `  BELOW THRESHOLDS: ${unmetThresholds(report).join('; ')}` : ''),
      );
      console.log(`Searches: ${samples.length} (${items.length} questions x ${rounds} rounds)`);
      console.log(`Search latency ms (rate limit + revision check + engine)  ${percentiles(samples)}`);
      console.log(`First search after an admin's change, ms (reload + rebuild)  ${percentiles(rebuilds)}`);
    });
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
