import { BotHarness } from '../support/bot-harness';
import { startTestApp, type TestApp } from '../support/test-app';
import { play } from '../support/transcript';

/**
 * The transcript harness logs the conversation with botbuilder-testing's DialogTestLogger, a middleware on botbuilder's
 * TestAdapter: a failing transcript shows every turn before the failure, replies with their input hints.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('the transcript log', () => {
  it('records what the citizen said and each reply, and a failing step shows it', async () => {
    const bot = new BotHarness(t);
    await play(bot, [['menu', [/Escolha uma opção:\n1\. Consultar saldo/]]]);
    expect(bot.log).toEqual([
      'User: Text = menu',
      expect.stringMatching(/^Bot: Text {6}= [^\n]*Escolha uma opção:\n1\. Consultar saldo\n2\./),
      '     Speak     = undefined',
      '     InputHint = expectingInput',
    ]);
    expect(bot.log.join('\n')).not.toMatch(/-> ts:|elapsed/);

    const failing = play(bot, [['1', [/um texto que IPlani nunca diz/]]]);
    await expect(failing).rejects.toThrow(
      /conversation so far \(DialogTestLogger\):\nUser: Text = menu\n[\s\S]*InputHint = expectingInput\nUser: Text = 1\nBot: Text {6}= /,
    );
  });
});
