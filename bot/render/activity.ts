import { ActionTypes, ActivityTypes, type Activity } from 'botbuilder';
import type { BotMessage } from '../flows/types';

/**
 * A message as a Bot Framework activity for Web Chat, the Emulator and Teams: the text, the options as a numbered
 * plain-text list (always there, for channels and readers without buttons) and as suggested actions (buttons that
 * send the option's value back).
 */
export function toActivity(message: BotMessage): Partial<Activity> {
  const choices = message.choices ?? [];
  const numbered = choices.map((choice, index) => `${index + 1}. ${choice.label}`).join('\n');
  const activity: Partial<Activity> = {
    type: ActivityTypes.Message,
    text: numbered ? `${message.text}\n${numbered}` : message.text,
    textFormat: 'plain',
    locale: 'pt-BR',
    inputHint: choices.length > 0 ? 'expectingInput' : 'acceptingInput',
  };
  if (choices.length > 0) {
    activity.suggestedActions = {
      to: [],
      actions: choices.map((choice) => ({ type: ActionTypes.ImBack, title: choice.label, value: choice.value })),
    };
  }
  return activity;
}
