import { RequestContext } from '@mikro-orm/core';
import { TestAdapter, type Activity } from 'botbuilder';
import { DialogTestLogger } from 'botbuilder-testing';
import { randomUUID } from 'node:crypto';
import { createBotFrameworkBot } from '../../src/main';
import { createUnderstanding } from '../../bot/understanding';
import { OutboundHttp } from '../../http/outbound-http';
import type { TestApp } from './test-app';

/**
 * A conversation with IPlani through botbuilder's TestAdapter, running the app's real services on the test
 * database. `restart()` builds a new bot and engine, as a restarted app would have: all state comes from the database.
 */
export class BotHarness {
  private adapter!: Promise<TestAdapter>;
  readonly conversationId: string;
  readonly userId: string;
  /** Replies of the last turn, as activities (buttons included). */
  last: Array<Partial<Activity>> = [];
  /**
   * The conversation so far as botbuilder-testing's DialogTestLogger writes it on the adapter (what the citizen said;
   * each reply's text, speak and input hint), for a failing transcript to show. Its clock lines are left out: a
   * failure message should read the same on every run.
   */
  readonly log: string[] = [];

  constructor(
    private readonly t: TestApp,
    options: { conversationId?: string; userId?: string } = {},
  ) {
    this.conversationId = options.conversationId ?? `conv-${randomUUID()}`;
    this.userId = options.userId ?? `user-${randomUUID()}`;
    this.restart();
  }

  /** A fresh engine and bot over the same database (what a restarted or different app instance has). */
  restart(): void {
    this.adapter = createUnderstanding().then((understanding) => this.build(understanding));
  }

  private build(understanding: Awaited<ReturnType<typeof createUnderstanding>>): TestAdapter {
    const { app } = this.t;
    // Built by the same function as the running app's bot; the TestAdapter plays a Bot Framework channel ("test") in
    // Emulator mode (the test app has no bot credentials): files arrive as data: URLs.
    const { bot } = createBotFrameworkBot({
      config: app.config,
      services: app.services,
      logger: app.logger,
      outbound: new OutboundHttp(app.config.outbound),
      understanding,
      clock: app.clock,
    });
    const adapter = new TestAdapter((context) => RequestContext.create(app.db.em, () => bot.run(context)), {
      channelId: 'test',
      serviceUrl: 'https://test.localhost',
      conversation: { id: this.conversationId, isGroup: false, conversationType: 'personal', name: this.conversationId },
      from: { id: this.userId, name: 'Cidadã' },
      recipient: { id: 'iplani', name: 'IPlani' },
    });
    adapter.use(
      new DialogTestLogger({
        log: (...parts: unknown[]) => {
          const line = parts.map(String).join(' ');
          if (!line.startsWith('-> ts:')) this.log.push(line);
        },
      }),
    );
    return adapter;
  }

  /**
   * Sends a message (text and/or attachments); resolves with the text of every reply of the turn, in order. `id` sets
   * the activity id (a channel redelivering a turn sends the same one); by default the adapter numbers activities.
   */
  async say(text: string, attachments: Activity['attachments'] = [], id?: string): Promise<string[]> {
    const adapter = await this.adapter;
    await adapter.processActivity({ type: 'message', text, attachments, locale: 'pt-BR', ...(id ? { id } : {}) });
    this.last = [];
    for (let reply = adapter.getNextReply(); reply; reply = adapter.getNextReply()) this.last.push(reply);
    return this.last.map((activity) => activity.text ?? '');
  }

  /** The button titles of the last turn's last reply. */
  buttons(): string[] {
    return this.last.at(-1)?.suggestedActions?.actions.map((action) => action.title ?? '') ?? [];
  }

  /** Links this conversation's user to a citizen with a fresh code, as a citizen would. */
  async link(citizenId: string): Promise<string[]> {
    const { code } = await RequestContext.create(this.t.app.db.em, () =>
      this.t.app.services.channelLinks.createCode({ id: citizenId, role: 'citizen' }),
    );
    return this.say(`vincular ${code}`);
  }
}
