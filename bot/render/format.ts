import type { Choice } from '../flows/types';

/**
 * How IPlani's messages are shown, per channel. The machines emit channel-neutral messages (text and options); only
 * bot/render and the channel edges decide how they look:
 * - `buttons`: Bot Framework channels that draw suggested actions (Web Chat over Direct Line, Teams, the Emulator).
 *   The options are buttons only, the text is Markdown (Web Chat and Teams render it).
 * - `whatsapp`: WhatsApp's interactive messages (reply buttons or a list) and its own *bold*.
 * - `plain`: anything else (a channel we do not know draws buttons, e.g. botbuilder's TestAdapter "test"): the options
 *   as a numbered list in the text, no markup at all.
 * Typing an option's number picks it on every channel (bot/understanding), whether or not the number is shown.
 */
export type Presentation = 'buttons' | 'whatsapp' | 'plain';

const BUTTON_CHANNELS: ReadonlySet<string> = new Set(['directline', 'webchat', 'msteams', 'emulator']);

/** The presentation of a Bot Framework channel id ("webchat", "msteams", …). */
export function presentationOf(channelId: string | undefined): Presentation {
  if (channelId === 'whatsapp') return 'whatsapp';
  return channelId !== undefined && BUTTON_CHANNELS.has(channelId) ? 'buttons' : 'plain';
}

/*
 * Emphasis is written channel-neutrally with two control characters, and each channel turns them into its own markup
 * or into nothing. Citizens' words quoted in a reply (a document's name) are values the domain checked, and it
 * refuses control characters; a stray marker would only ever make text bold.
 */
const OPEN = '\u0002';
const CLOSE = '\u0003';
const MARKED = new RegExp(`${OPEN}([^${OPEN}${CLOSE}]*)${CLOSE}`, 'g');
const MARKERS = new RegExp(`[${OPEN}${CLOSE}]`, 'g');

/** `text` emphasised (bold where the channel has it). */
export function strong(text: string): string {
  return `${OPEN}${text.replace(MARKERS, '')}${CLOSE}`;
}

/** A CommonMark backslash escape ("1\\.", "R$ 1\\.000", "\\-"): the punctuation mark itself. */
const ESCAPED = /\\([!-/:-@[-`{-~])/g;

/**
 * A text written with a little Markdown (the FAQ's answers, edited by the content team: `vincular <código>` for a
 * command, **bold**, backslash escapes such as "1\\." so a line is no list) in the channel-neutral emphasis: a command
 * is quoted and emphasised, so a plain channel shows envie "vincular <código>" instead of the backticks, and the others
 * their bold; an escaped mark is the mark alone (WhatsApp and plain channels would show the backslash; the Markdown
 * channels get it escaped again by `markdownText`).
 */
export function fromMarkdown(text: string): string {
  const literal = (part: string) => part.replace(ESCAPED, '$1');
  return text.replace(
    /\\([!-/:-@[-`{-~])|`([^`\n]+)`|\*\*((?:\\.|[^*\n])+)\*\*/g,
    (_, escaped: string | undefined, command: string | undefined, bold: string | undefined) => {
      if (escaped !== undefined) return escaped;
      if (command !== undefined) return `"${strong(command)}"`;
      return strong(literal(bold ?? ''));
    },
  );
}

/** Whether a text carries emphasis (and so needs a channel's markup). */
export function hasEmphasis(text: string): boolean {
  return text.includes(OPEN);
}

/** The text without any markup: for plain-text channels and for what a screen reader announces. */
export function plainText(text: string): string {
  return text.replace(MARKERS, '');
}

/**
 * The text as Markdown that shows exactly these characters: every ASCII punctuation mark is escaped (CommonMark allows
 * escaping any of them), so a citizen's "[link](…)", "<b>", "*" or a line starting "1." stays literal and Web Chat's
 * typographer leaves the quotes alone; line breaks are hard breaks (Web Chat renders Markdown without `breaks`).
 */
export function markdownText(text: string): string {
  const escape = (part: string) => part.replace(/[!-/:-@[-`{-~]/g, '\\$&');
  let result = '';
  let last = 0;
  for (const match of text.matchAll(MARKED)) {
    result += escape(text.slice(last, match.index).replace(MARKERS, ''));
    const inner = match[1].trim();
    if (inner) result += `**${escape(inner)}**`;
    last = match.index + match[0].length;
  }
  result += escape(text.slice(last).replace(MARKERS, ''));
  return result.replace(/\n/g, '\\\n');
}

/** The text with WhatsApp's own markup (*bold*; WhatsApp has no way to escape a citizen's asterisks). */
export function whatsappText(text: string): string {
  return text.replace(MARKED, (_, inner: string) => (inner.trim() ? `*${inner.trim()}*` : '')).replace(MARKERS, '');
}

/** The options as numbered lines under the text: "1. Sim", "2. Não". */
export function withNumberedOptions(text: string, choices: readonly Choice[]): string {
  if (choices.length === 0) return text;
  return `${text}\n${choices.map((choice, index) => `${index + 1}. ${choice.label}`).join('\n')}`;
}
