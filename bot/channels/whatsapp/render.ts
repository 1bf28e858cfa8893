import type { BotMessage, Choice } from '../../flows/types';
import { whatsappText, withNumberedOptions } from '../../render/format';
import { WHATSAPP_LIST_BUTTON, WHATSAPP_LIST_SECTION } from '../../render/channels.pt-BR';

/** WhatsApp Cloud API limits for the messages the bot sends (Meta's interactive messages and text docs). */
export const LIMITS = {
  textBody: 4096,
  interactiveBody: 1024,
  buttons: 3,
  buttonTitle: 20,
  buttonId: 256,
  listRows: 10,
  rowTitle: 24,
  rowDescription: 72,
  rowId: 200,
  listButton: 20,
  sectionTitle: 24,
  templateParameter: 1024,
} as const;

export type OutgoingMessage =
  | { type: 'text'; text: { body: string; preview_url: false } }
  | {
      type: 'template';
      template: {
        name: string;
        language: { code: string };
        components: Array<{ type: 'body'; parameters: Array<{ type: 'text'; text: string }> }>;
      };
    }
  | {
      type: 'interactive';
      interactive: {
        type: 'button';
        body: { text: string };
        action: { buttons: Array<{ type: 'reply'; reply: { id: string; title: string } }> };
      };
    }
  | {
      type: 'interactive';
      interactive: {
        type: 'list';
        body: { text: string };
        action: {
          button: string;
          sections: Array<{ title: string; rows: Array<{ id: string; title: string; description?: string }> }>;
        };
      };
    };

/** Length in characters as a person (and WhatsApp) counts them: code points, so an emoji is never split in half. */
function length(text: string): number {
  return Array.from(text).length;
}

/** Cuts `text` to at most `max` characters, marking the cut with an ellipsis; never splits a surrogate pair. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** The id sent back when the option is tapped: its value (what the flows expect), or its number if the value is too long. */
function replyId(choice: Choice, index: number, max: number): string {
  return choice.value.length > 0 && choice.value.length <= max ? choice.value : String(index + 1);
}

/** Splits long text into messages of at most `max` characters, preferring to cut at a line break. */
function chunks(text: string, max: number): string[] {
  const result: string[] = [];
  let rest = Array.from(text);
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const newline = window.lastIndexOf('\n');
    const cut = newline > max / 2 ? newline + 1 : max;
    result.push(rest.slice(0, cut).join('').trimEnd());
    rest = rest.slice(cut);
  }
  result.push(rest.join(''));
  return result.filter((part) => part.trim().length > 0);
}

function textMessages(text: string): OutgoingMessage[] {
  return chunks(text, LIMITS.textBody).map((body) => ({ type: 'text', text: { body, preview_url: false } }));
}

/**
 * One IPlani message as WhatsApp messages, with WhatsApp's own *bold*. Up to 3 options whose labels fit become reply
 * buttons and up to 10 become a list (a label longer than a row title is shortened there and shown whole in the row's
 * description); the options are then tapped, not read, so the text does not repeat them as a numbered list. Anything
 * beyond WhatsApp's limits is plain text with the numbered list. A tapped option comes back as its id (the option's
 * value, or its number: both pick it), and a typed number picks it as on every channel.
 */
export function renderForWhatsApp(message: BotMessage): OutgoingMessage[] {
  const choices = message.choices ?? [];
  const text = whatsappText(message.text);
  if (choices.length === 0) return textMessages(text);
  const labels = choices.map((choice) => length(choice.label));
  const bodyFits = length(text) > 0 && length(text) <= LIMITS.interactiveBody;
  if (bodyFits && choices.length <= LIMITS.buttons && labels.every((n) => n > 0 && n <= LIMITS.buttonTitle)) {
    return [
      {
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text },
          action: {
            buttons: choices.map((choice, index) => ({
              type: 'reply',
              reply: { id: replyId(choice, index, LIMITS.buttonId), title: choice.label },
            })),
          },
        },
      },
    ];
  }
  if (bodyFits && choices.length <= LIMITS.listRows && labels.every((n) => n > 0 && n <= LIMITS.rowDescription)) {
    return [
      {
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text },
          action: {
            button: WHATSAPP_LIST_BUTTON,
            sections: [
              {
                title: WHATSAPP_LIST_SECTION,
                rows: choices.map((choice, index) => ({
                  id: replyId(choice, index, LIMITS.rowId),
                  title: truncate(choice.label, LIMITS.rowTitle),
                  ...(length(choice.label) > LIMITS.rowTitle ? { description: choice.label } : {}),
                })),
              },
            ],
          },
        },
      },
    ];
  }
  return textMessages(withNumberedOptions(text, choices));
}

/**
 * A notice outside the 24-hour window: Meta accepts only an approved template there. The template named by
 * WHATSAPP_NOTICE_TEMPLATE has one body parameter, the notice's text (pt_BR).
 */
export function noticeTemplate(name: string, text: string): OutgoingMessage {
  return {
    type: 'template',
    template: {
      name,
      language: { code: 'pt_BR' },
      components: [{ type: 'body', parameters: [{ type: 'text', text: truncate(text, LIMITS.templateParameter) }] }],
    },
  };
}
