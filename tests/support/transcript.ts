import { fromMarkdown } from '../../bot/render/format';
import { FAQ_PUBLISHED_ENTRIES } from '../../src/faq/seed-entries';
import type { BotHarness } from './bot-harness';

/** One turn of a transcript: what the citizen says, and the parts IPlani's one reply must contain, in order. */
export type Step = [say: string, replies: RegExp[]];

/** The menu's prompt: a turn that ends at the menu ends with it, in either of its wordings. */
export const MENU = /Escolha uma opção|Posso ajudar/;

/** The start (40 characters) of a published FAQ entry's answer as the bot says it, to match a reply that gives it. */
export function faqAnswerStart(slug: string): RegExp {
  const entry = FAQ_PUBLISHED_ENTRIES.find((e) => e.slug === slug)!;
  return new RegExp(
    `^${fromMarkdown(entry.answer)
      .slice(0, 40)
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
  );
}

/** How many lines of the harness's DialogTestLogger transcript a failure shows (the last turns before it). */
const LOG_LINES_SHOWN = 40;

/**
 * Plays the steps; every turn must answer with exactly one message matching its patterns in order. A failure shows
 * what was said, and the conversation before it as botbuilder-testing's DialogTestLogger recorded it.
 */
export async function play(bot: BotHarness, steps: Step[]): Promise<void> {
  for (const [text, expected] of steps) {
    const replies = await bot.say(text);
    const context =
      `after "${text}" IPlani said:\n${replies.join('\n---\n')}\n` +
      `conversation so far (DialogTestLogger):\n${bot.log.slice(-LOG_LINES_SHOWN).join('\n')}`;
    if (replies.length !== 1 || !inOrder(replies[0], expected)) {
      throw new Error(`expected one reply matching ${expected.join(', ')} in order ${context}`);
    }
  }
}

/** Whether every pattern matches the text, each one after where the previous one matched. */
export function inOrder(text: string, patterns: RegExp[]): boolean {
  let rest = text;
  for (const pattern of patterns) {
    const match = pattern.exec(rest);
    if (!match) return false;
    rest = rest.slice(match.index + match[0].length);
  }
  return true;
}
