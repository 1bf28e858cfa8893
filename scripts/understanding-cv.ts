/**
 * K-fold cross-validation of the intent classifier (bot/understanding) on the training corpus and the tuning part of
 * the conversation evaluation set pooled together: `npm run understanding:cv` (add `-- --failures` to list the misses).
 * The development signal for the corpus and the rules: every message is scored by a model that never saw it, so a
 * change that only fits the tuning part's wording does not show as progress. The held-out part is not read here.
 *
 * Each message goes to one of 5 folds by a hash of its text (stable across runs and edits elsewhere). For each fold
 * a classifier is trained on the other folds' corpus messages and tuning messages (all but `inform`, which only a step
 * gives) and reads the fold's messages: corpus messages at a prompt where their intent is an answer (a yes or a no at
 * a confirmation, a skip at the attachment step, anything else at the menu), tuning messages at their own prompt.
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCUMENT_TYPES } from '../src/documents/document-types';
import committedCorpus from '../bot/understanding/corpus/intents.pt-BR.json';
import {
  IntentClassifier,
  type IntentName,
  type PromptOption,
  type PromptStep,
  type TrainingCorpus,
} from '../bot/understanding/classifier';
import { Recognizers, type BlockReason, type Slots } from '../bot/understanding/recognizers';

const FOLDS = 5;

interface Item {
  origin: 'corpus' | 'tuning';
  text: string;
  intent: IntentName;
  at: PromptStep;
  slots: Slots;
}

const REASONS: BlockReason[] = ['lost', 'stolen', 'damaged', 'other'];
/** The numbered options the bot shows at each prompt (as in scripts/conversation-eval.ts). */
const OPTIONS: Partial<Record<PromptStep, PromptOption[]>> = {
  menu: [
    { intent: 'balance' },
    { intent: 'block_card' },
    { intent: 'save_document' },
    { intent: 'list_documents' },
    { intent: 'faq' },
  ],
  'block.card': [1, 2, 3].map((position) => ({ intent: 'inform', slots: { card: { position } } })),
  'block.reason': REASONS.map((blockReason) => ({ intent: 'inform', slots: { blockReason } })),
  'block.confirm': [{ intent: 'yes' }, { intent: 'no' }],
  'save.type': DOCUMENT_TYPES.map((type) => ({ intent: 'inform', slots: { documentType: type.code } })),
  'save.state': [{ intent: 'inform', slots: { state: 'RJ' } }, { intent: 'inform', slots: { state: 'SP' } }, { intent: 'skip' }],
  'save.attachment': [{ intent: 'skip' }],
  'save.confirm': [{ intent: 'yes' }, { intent: 'no' }],
  'faq.suggestions': [{ intent: 'faq' }, { intent: 'faq' }, { intent: 'faq' }, { intent: 'skip' }],
};

/** Where a corpus message of this intent is an answer that fits. */
function promptFor(intent: IntentName): PromptStep {
  if (intent === 'yes' || intent === 'no') return 'block.confirm';
  if (intent === 'skip') return 'save.attachment';
  return 'menu';
}

function foldOf(text: string): number {
  return createHash('sha256').update(text).digest()[0] % FOLDS;
}

function loadItems(): Item[] {
  const corpus = committedCorpus as TrainingCorpus;
  const fromCorpus = Object.entries(corpus.intents).flatMap(([intent, texts]) =>
    (texts ?? []).map((text): Item => ({
      origin: 'corpus',
      text,
      intent: intent as IntentName,
      at: promptFor(intent as IntentName),
      slots: {},
    })),
  );
  const tuning = JSON.parse(readFileSync(join(__dirname, '..', 'tests', 'conversation-eval', 'tuning.json'), 'utf8')) as {
    messages: Array<Omit<Item, 'origin'>>;
  };
  return [...fromCorpus, ...tuning.messages.map((m): Item => ({ ...m, origin: 'tuning' }))];
}

/** The training corpus made of `items`: a text labelled at several prompts is learnt with its first answer label. */
function corpusOf(items: readonly Item[]): TrainingCorpus {
  const intents: Partial<Record<IntentName, string[]>> = {};
  const seen = new Set<string>();
  const ordered = [...items].sort((a, b) => Number(a.intent === 'out_of_context') - Number(b.intent === 'out_of_context'));
  for (const item of ordered) {
    if (item.intent === 'inform' || seen.has(item.text)) continue;
    seen.add(item.text);
    (intents[item.intent] ??= []).push(item.text);
  }
  return { intents };
}

const SCORED = [
  'documentType',
  'documentNumber',
  'documentLabel',
  'card',
  'blockReason',
  'date',
  'state',
  'amountCents',
  'optionNumber',
  'linkCode',
] as const;

async function main(): Promise<void> {
  const showFailures = process.argv.includes('--failures');
  const items = loadItems();
  const recognizers = new Recognizers();
  const right = { corpus: 0, tuning: 0 };
  const total = { corpus: 0, tuning: 0 };
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let outOfContext = 0;
  let falseConfident = 0;
  for (let fold = 0; fold < FOLDS; fold++) {
    const train = items.filter((item) => foldOf(item.text) !== fold);
    const test = items.filter((item) => foldOf(item.text) === fold);
    const classifier = await IntentClassifier.create(corpusOf(train), recognizers);
    for (const item of test) {
      const got = await classifier.classify(item.text, { at: item.at, options: OPTIONS[item.at] });
      total[item.origin]++;
      if (got.intent === item.intent) right[item.origin]++;
      else if (showFailures)
        console.log(
          `  miss ${item.origin} @${item.at} "${item.text.slice(0, 80)}": want ${item.intent}, got ${got.intent}${got.confident ? '' : '?'}`,
        );
      if (item.origin !== 'tuning') continue;
      for (const key of SCORED) {
        const expected = item.slots[key];
        const found = got.slots[key];
        if (expected !== undefined && JSON.stringify(expected) === JSON.stringify(found)) tp++;
        else {
          if (found !== undefined) fp++;
          if (expected !== undefined) fn++;
        }
      }
      if (item.intent === 'out_of_context') {
        outOfContext++;
        if (got.intent !== 'out_of_context' && got.confident) falseConfident++;
      }
    }
  }
  const pct = (value: number): string => `${(value * 100).toFixed(1)}%`;
  const precision = tp / (tp + fp);
  const recall = tp / (tp + fn);
  console.log(`${FOLDS}-fold cross-validation over ${items.length} messages (corpus and tuning part)`);
  console.log(`intent top-1, corpus messages   ${pct(right.corpus / total.corpus)} (${right.corpus}/${total.corpus})`);
  console.log(`intent top-1, tuning messages   ${pct(right.tuning / total.tuning)} (${right.tuning}/${total.tuning})`);
  console.log(`slot F1, tuning messages        ${pct((2 * precision * recall) / (precision + recall))}`);
  console.log(`false-confident, tuning         ${pct(falseConfident / outOfContext)} (${falseConfident}/${outOfContext})`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
