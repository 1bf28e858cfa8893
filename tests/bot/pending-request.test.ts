import { TestClock } from '../../src/shared/clock';
import type { CardSummary } from '../../src/transport/card';
import { BotHarness } from '../support/bot-harness';
import { citizenWithCards, inContext, linkCode, listedCards } from '../support/bot-citizens';
import { startTestApp, type TestApp } from '../support/test-app';
import { play } from '../support/transcript';

/**
 * A request made before linking ("perdi meu cartão final 4868" -> "vincule primeiro") is resumed by a successful
 * `vincular` only when it is recent (BOT_LINK_RESUME_MINUTES, 10 by default) and nothing else was asked in between;
 * resumed, it keeps what the request said. Time is the app's TestClock, moved forward instead of waited for.
 */
const clock = new TestClock();
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(async () => {
  await t.close();
});

const MINUTE = 60_000;

/** A citizen with two active cards (so a card not named would be asked for) and the second card's last digits. */
async function citizenWithTwoCards(): Promise<{ id: string; named: CardSummary; other: CardSummary }> {
  const { id } = await citizenWithCards(t);
  const named = await inContext(t, () => t.app.services.cards.requestCard({ id, role: 'citizen' }));
  const other = (await listedCards(t, id)).find((card) => card.id !== named.id)!;
  return { id, named, other };
}

/** Each card's status, read through the cards service. */
function statuses(citizenId: string): Promise<Record<string, string>> {
  return statusesIn(t, citizenId);
}

const last4 = (card: CardSummary) => card.number.slice(-4);

describe('a request waiting for the citizen to link', () => {
  it('is resumed within the window with what it said: the card and the reason go straight to the confirmation', async () => {
    const { id, named, other } = await citizenWithTwoCards();
    const bot = new BotHarness(t);
    await play(bot, [[`perdi meu cartão final ${last4(named)}`, [/vincular SEU-CÓDIGO/]]]);
    clock.advance(9 * MINUTE);
    const replies = await bot.link(id);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/vinculada/);
    expect(replies[0]).toMatch(new RegExp(`Confirma o bloqueio do cartão •••• ${last4(named)} por perda\\?`));
    expect(replies[0]).not.toMatch(/Qual cartão/);
    await play(bot, [['sim', [/bloqueado\. ✅ Protocolo/]]]);
    expect(await statuses(id)).toEqual({ [named.id]: 'blocked', [other.id]: 'active' });
  });

  it('is resumed by a code of letters only typed in a sentence in the app\'s shape ("meu codigo eh PMBC-EAAF")', async () => {
    const { id, named } = await citizenWithTwoCards();
    // About one code in eleven has no digit: new codes are asked for until one has none (each retires the one before).
    let code = '';
    while (!/^[A-Z]{8}$/.test(code)) code = await linkCode(t, id);
    const bot = new BotHarness(t);
    await play(bot, [
      [`perdi meu cartão final ${last4(named)}`, [/vincular SEU-CÓDIGO/]],
      [
        `meu codigo eh ${code.slice(0, 4).toLowerCase()}-${code.slice(4).toLowerCase()}`,
        [/vinculada/, new RegExp(`Confirma o bloqueio do cartão •••• ${last4(named)} por perda\\?`)],
      ],
    ]);
  });

  it('is not resumed after the window: linking shows the menu and nothing is blocked', async () => {
    const { id, named, other } = await citizenWithTwoCards();
    const bot = new BotHarness(t);
    await play(bot, [[`perdi meu cartão final ${last4(named)}`, [/vincular SEU-CÓDIGO/]]]);
    clock.advance(11 * MINUTE);
    const replies = await bot.link(id);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/vinculada[\s\S]*O que você quer fazer\?/);
    expect(replies[0]).not.toMatch(/Confirma|Qual cartão/);
    // The menu, not a confirmation: "sim" is not an answer to anything.
    await play(bot, [['sim', [/Escolha uma opção|não entendi/i]]]);
    expect(await statuses(id)).toEqual({ [named.id]: 'active', [other.id]: 'active' });
  });

  it('is not resumed when something else was said in between (a mistyped code in between does not count: tests/bot/conversation.test.ts)', async () => {
    const { id, named, other } = await citizenWithTwoCards();
    const bot = new BotHarness(t);
    await play(bot, [
      [`perdi meu cartão final ${last4(named)}`, [/vincular SEU-CÓDIGO/]],
      ['oi', [/./]],
    ]);
    const replies = await bot.link(id);
    expect(replies[0]).toMatch(/vinculada[\s\S]*O que você quer fazer\?/);
    expect(replies[0]).not.toMatch(/Confirma|Qual cartão/);
    expect(await statuses(id)).toEqual({ [named.id]: 'active', [other.id]: 'active' });
  });
});

describe('the resume window is BOT_LINK_RESUME_MINUTES', () => {
  const longClock = new TestClock();
  let long: TestApp;
  beforeAll(async () => {
    long = await startTestApp({ clock: longClock, env: { BOT_LINK_RESUME_MINUTES: '30' } });
  });
  afterAll(async () => {
    await long.close();
  });

  /** A citizen of `app` with one active card, and its last digits. */
  async function citizenWithCard(app: TestApp): Promise<{ id: string; last4: string }> {
    const { id } = await citizenWithCards(app);
    const [card] = await listedCards(app, id);
    return { id, last4: last4(card) };
  }

  it('set to 30: a request 20 minutes old (past the default 10) is resumed, one 31 minutes old is not', async () => {
    const resumed = await citizenWithCard(long);
    const bot = new BotHarness(long);
    await play(bot, [[`perdi meu cartão final ${resumed.last4}`, [/vincular SEU-CÓDIGO/]]]);
    longClock.advance(20 * MINUTE);
    expect((await bot.link(resumed.id))[0]).toMatch(/vinculada[\s\S]*Confirma o bloqueio do cartão •••• \d{4} por perda\?/);
    await play(bot, [['nao', [/continua ativo/]]]);

    const expired = await citizenWithCard(long);
    const late = new BotHarness(long);
    await play(late, [[`perdi meu cartão final ${expired.last4}`, [/vincular SEU-CÓDIGO/]]]);
    longClock.advance(31 * MINUTE);
    const replies = await late.link(expired.id);
    expect(replies[0]).toMatch(/vinculada[\s\S]*O que você quer fazer\?/);
    expect(replies[0]).not.toMatch(/Confirma|Qual cartão/);
    expect(Object.values(await statusesIn(long, expired.id))).toEqual(['active']);
  });
});

/** Each card's status in `app`, read through its cards service. */
async function statusesIn(app: TestApp, citizenId: string): Promise<Record<string, string>> {
  return Object.fromEntries((await listedCards(app, citizenId)).map((card) => [card.id, card.status]));
}
