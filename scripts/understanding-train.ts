/**
 * Trains the intent classifier on the committed corpus and writes the model the bot loads at start:
 * `npm run understanding:train` after any change to bot/understanding/corpus/intents.pt-BR.json, to the network's
 * settings or to the text preparation (tests/unit/understanding-model.test.ts fails until it is run).
 */

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { IntentClassifier } from '../bot/understanding/classifier';

async function main(): Promise<void> {
  const started = performance.now();
  const model = await IntentClassifier.train();
  const path = join(__dirname, '..', 'bot', 'understanding', 'corpus', 'model.pt-BR.json');
  writeFileSync(path, `${JSON.stringify(model)}\n`);
  console.log(`Trained in ${(performance.now() - started).toFixed(0)} ms: ${path}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
