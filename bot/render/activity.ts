import { ActionTypes, ActivityTypes, type Activity } from 'botbuilder';
import type { BotMessage } from '../flows/types';
import { hasEmphasis, markdownText, plainText, presentationOf, withNumberedOptions } from './format';

/**
 * A message as a Bot Framework activity for the channel it goes to (see {@link presentationOf}). Where the channel
 * draws buttons (Web Chat, Teams, the Emulator) the options are suggested actions only, never also a numbered list in
 * the bubble; the text is Markdown when it carries emphasis, with `speak` holding the same words without markup (what
 * the web chat page's live region reads). Anywhere else the options are a numbered list in plain text, and also
 * suggested actions for a client that happens to draw them. Either way a button sends the option's value, and typing
 * its number picks it. An image goes along as an attachment on the channels that draw buttons (they show images too).
 */
export function toActivity(message: BotMessage, channelId: string | undefined): Partial<Activity> {
  const choices = message.choices ?? [];
  const buttons = presentationOf(channelId) === 'buttons';
  const plain = plainText(buttons ? message.text : withNumberedOptions(message.text, choices));
  const markdown = buttons && hasEmphasis(message.text);
  const activity: Partial<Activity> = {
    type: ActivityTypes.Message,
    text: markdown ? markdownText(message.text) : plain,
    textFormat: markdown ? 'markdown' : 'plain',
    ...(markdown ? { speak: plain } : {}),
    locale: 'pt-BR',
    inputHint: choices.length > 0 ? 'expectingInput' : 'acceptingInput',
  };
  // Images (the Pix QR code) only where the channel draws them; elsewhere the text stands on its own.
  if (message.image && buttons) {
    activity.attachments = [{ contentType: 'image/png', contentUrl: message.image.dataUrl, name: message.image.name }];
  }
  if (choices.length > 0) {
    activity.suggestedActions = {
      to: [],
      actions: choices.map((choice) => ({ type: ActionTypes.ImBack, title: choice.label, value: choice.value })),
    };
  }
  return activity;
}
