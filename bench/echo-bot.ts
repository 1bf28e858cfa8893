/**
 * The baseline of the bot benchmark: the smallest botbuilder bot on restify (CloudAdapter, no authentication), echoing
 * every message. Prints its URL the way the app does, so the bench starts both the same way.
 */
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import restify from 'restify';

const bot = new ActivityHandler();
bot.onMessage(async (context, next) => {
  await context.sendActivity(`Você disse: ${context.activity.text ?? ''}`);
  await next();
});
const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
const server = restify.createServer();
server.use(restify.plugins.bodyParser({ mapParams: false }));
server.post('/api/messages', async function messages(req, res) {
  await adapter.process(req, res as never, (context) => bot.run(context));
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`Health: http://127.0.0.1:${address.port}/health\n`);
});
