/**
 * `npm run bench [name...]`: runs the benchmark modules (all, or the named ones), prints each one's table and writes
 * every result to bench/results/latest.json. Benchmarks are measurements, not tests: nothing here passes or fails.
 * To add one, export `run(): Promise<Record<string, unknown>>` from a module and list it below.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as bot from './bot';
import * as cards from './cards';

const BENCHES: Record<string, { run(): Promise<Record<string, unknown>> }> = {
  cards,
  bot,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in BENCHES));
  if (unknown.length > 0) throw new Error(`unknown bench(es): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
  const results: Record<string, unknown> = {};
  for (const name of names) {
    process.stdout.write(`\n== bench: ${name} ==\n`);
    results[name] = await BENCHES[name].run();
  }
  const folder = join(__dirname, 'results');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'latest.json');
  writeFileSync(file, JSON.stringify({ finishedAt: new Date().toISOString(), node: process.version, results }, null, 2) + '\n');
  process.stdout.write(`\nResults written to ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
