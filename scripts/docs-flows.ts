/** `npm run docs:flows`: writes docs/conversation.md from the bot's state machines. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { conversationDoc } from '../bot/flows/diagram';

const target = join(__dirname, '..', 'docs', 'conversation.md');
writeFileSync(target, conversationDoc());
process.stdout.write(`wrote ${target}\n`);
