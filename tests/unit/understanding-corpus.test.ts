import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INTENT_NAMES } from '../../bot/understanding/classifier';
import corpus from '../../bot/understanding/corpus/intents.pt-BR.json';
import { normalizeText } from '../../src/faq/text';

/**
 * The classifier's training corpus (bot/understanding/corpus/intents.pt-BR.json) keeps the evaluation honest: it never
 * holds a text of the held-out part of tests/conversation-eval (compared lower case, without accents or punctuation),
 * covers every intent the network learns with several dozen messages, and gives no text two intents.
 */

const intents = corpus.intents as Record<string, string[]>;
/** The comparison key: lower case, no accents or punctuation; a message of emoji only is compared as typed. */
const key = (text: string): string => normalizeText(text) || text.trim();
const entries = Object.entries(intents).flatMap(([intent, texts]) => texts.map((text) => ({ intent, text })));

it('holds no text of the held-out evaluation part', () => {
  const heldout = JSON.parse(readFileSync(join(__dirname, '..', 'conversation-eval', 'heldout.json'), 'utf8')) as {
    messages: Array<{ text: string }>;
    scenarios: Array<{ turns: Array<{ text: string }> }>;
  };
  const heldoutTexts = new Set(
    [...heldout.messages.map((m) => m.text), ...heldout.scenarios.flatMap((s) => s.turns.map((t) => t.text))].map(key),
  );
  // Only the corpus side is named: the held-out texts are never printed.
  const copied = entries.filter(({ text }) => heldoutTexts.has(key(text))).map(({ text }) => text);
  expect(copied).toEqual([]);
});

it('holds no sentence of the sealed generalisation checks (tests/conversation-eval/check)', () => {
  const dir = join(__dirname, '..', 'conversation-eval', 'check');
  const files = existsSync(dir) ? readdirSync(dir).filter((file) => file.endsWith('.json')) : [];
  const checkTexts = new Set(
    files
      .flatMap((file) => {
        const check = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
          scenarios: Array<{ turns: Array<{ text: string }> }>;
        };
        return check.scenarios.flatMap((s) => s.turns.map((t) => t.text));
      })
      .map(key)
      // Short replies ("sim", "to sem foto", "quais docs eu tenho") are everyday phrasings a corpus written blind holds too;
      // a sentence of six words or more is not.
      .filter((text) => text.split(' ').length >= 6),
  );
  expect(entries.filter(({ text }) => checkTexts.has(key(text))).map(({ text }) => text)).toEqual([]);
});

it('teaches every intent the network learns (all but inform, which only a step gives) with several dozen messages', () => {
  const learnt = INTENT_NAMES.filter((intent) => intent !== 'inform');
  expect(Object.keys(intents).sort()).toEqual([...learnt].sort());
  for (const intent of learnt) expect({ intent, count: intents[intent].length >= 25 }).toEqual({ intent, count: true });
});

it('gives no text two intents', () => {
  const seen = new Map<string, string>();
  const clashes: string[] = [];
  for (const { intent, text } of entries) {
    const before = seen.get(key(text));
    if (before !== undefined && before !== intent) clashes.push(`"${text}": ${before} and ${intent}`);
    seen.set(key(text), intent);
  }
  expect(clashes).toEqual([]);
});
