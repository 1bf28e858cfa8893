import { RequestContext } from '@mikro-orm/core';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  ScenarioRunner,
  cardNumberEnding,
  scoreScenarios,
  withLinkCode,
  type Scenario,
} from '../../scripts/conversation-scenarios';
import { isValidCardNumber } from '../../src/transport/card-number';
import { startPixEnvironment, type PixEnvironment } from '../support/pix';

/**
 * The scenario scorer of `npm run conversation:eval`, on scenarios written here (not the evaluation set's) and played
 * against the real bot: a scenario is complete only when its outcome is exactly met, and a block, save or display the
 * scenario did not ask for counts as a wrong action. The turns use the menu numbers, which today's bot understands.
 */
describe('conversation evaluation: scenario scorer', () => {
  let t: TestApp;
  let pix: PixEnvironment;
  let runner: ScenarioRunner;

  beforeAll(async () => {
    // Pix recharges go to the stand-in PSP, as in `npm run conversation:eval`.
    pix = await startPixEnvironment();
    t = await startTestApp({ env: pix.env });
    runner = new ScenarioRunner(t.app);
  });

  afterAll(async () => {
    await t?.close();
    await pix?.close();
  });

  const twoCards = [
    { last4: '1118', status: 'active' as const, balanceCents: 2350 },
    { last4: '2226', status: 'active' as const, balanceCents: 40 },
  ];
  // Menu option 2 (block a card), the first card, reason 3 (damaged), option 1 (yes).
  const blockFirstCard = ['2', '1', '3', '1'].map((text) => ({ text }));

  function scenario(id: string, fields: Pick<Scenario, 'start' | 'turns' | 'outcome'>): Scenario {
    return { id, kind: 'task', ...fields };
  }

  it('counts a scenario whose outcome is exactly met as complete, with no wrong action', async () => {
    const result = await runner.run(
      scenario('block-complete', {
        start: { linked: true, cards: twoCards, documents: [] },
        turns: blockFirstCard,
        outcome: { blocked: [{ card: '1118', blockReason: 'damaged' }], saved: [] },
      }),
    );
    expect(result).toMatchObject({ completed: true, misses: [], wrongActions: [] });
    // The start state was built through the services: the card the bot blocked is the one with those digits.
    const blocked = await RequestContext.create(t.app.db.em, async () => {
      const rows = await t.app.db.em
        .fork()
        .execute<Array<{ number: string; balance_cents: string }>>(
          `select c.number, c.balance_cents from card_blocks b join transport_cards c on c.id = b.card_id where b.reason = 'damaged'`,
        );
      return rows.map((row) => ({ last4: row.number.slice(-4), balanceCents: Number(row.balance_cents) }));
    });
    expect(blocked).toContainEqual({ last4: '1118', balanceCents: 2350 });
  });

  it('counts a block the scenario did not ask for as a wrong action (a card blocked at the start is not counted)', async () => {
    const result = await runner.run(
      scenario('block-unasked', {
        start: {
          linked: true,
          cards: [{ last4: '3334', status: 'blocked', balanceCents: 0 }, twoCards[1]],
          documents: [],
        },
        // The only active card needs no choosing: reason 3 (damaged), then option 1 (yes).
        turns: ['2', '3', '1'].map((text) => ({ text })),
        outcome: { blocked: [], saved: [] },
      }),
    );
    expect(result.completed).toBe(false);
    expect(result.misses).toEqual([]);
    expect(result.wrongActions).toEqual(['card 2226 blocked (damaged)']);
  });

  it('checks what was shown: an expected balance is a completion, an unasked one a wrong action', async () => {
    const start = { linked: true, cards: twoCards, documents: [] };
    const asked = await runner.run(
      scenario('balance-asked', {
        start,
        turns: [{ text: '1' }],
        outcome: { blocked: [], saved: [], balanceShown: ['1118', '2226'] },
      }),
    );
    const unasked = await runner.run(
      scenario('balance-unasked', { start, turns: [{ text: '1' }], outcome: { blocked: [], saved: [] } }),
    );
    const missed = await runner.run(
      scenario('block-missed', {
        start,
        turns: [{ text: '1' }],
        outcome: { blocked: [{ card: '1118', blockReason: 'lost' }], saved: [], balanceShown: ['1118'] },
      }),
    );
    expect(asked).toMatchObject({ completed: true, wrongActions: [] });
    expect(unasked.wrongActions).toEqual(['balance of card 1118 shown', 'balance of card 2226 shown']);
    expect(missed).toMatchObject({ completed: false, misses: ['card 1118 not blocked'], wrongActions: [] });
    expect(scoreScenarios([asked, unasked, missed])).toEqual({
      scenarios: 3,
      completed: 1,
      completion: 1 / 3,
      scenariosWithWrongActions: 1,
      wrongActions: 2,
    });
  });

  it('sees a statement only where its movements are shown, not in the offer to go back to it', async () => {
    const start = { linked: true, cards: twoCards, documents: [] };
    // "extrato" with two cards asks which one; the balances asked then are served (naming each card's digits) with the
    // offer to go on with the statement, which shows none; "1" then picks the first card and shows its movements.
    const turns = [{ text: 'extrato' }, { text: 'quanto tem em cada um?' }];
    const offered = await runner.run(
      scenario('history-offered', { start, turns, outcome: { blocked: [], saved: [], balanceShown: ['1118', '2226'] } }),
    );
    expect(offered.replies.flat().join(' ')).toMatch(/extrato/);
    expect(offered).toMatchObject({ completed: true, wrongActions: [] });
    const shown = await runner.run(
      scenario('history-shown', {
        start,
        turns: [{ text: 'extrato' }, { text: '1' }],
        outcome: { blocked: [], saved: [], historyShown: ['1118'] },
      }),
    );
    expect(shown).toMatchObject({ completed: true, wrongActions: [] });
    const unasked = await runner.run(
      scenario('history-unasked', { start, turns: [{ text: 'extrato' }, { text: '1' }], outcome: { blocked: [], saved: [] } }),
    );
    expect(unasked.wrongActions).toEqual(['history of card 1118 shown']);
  });

  it('checks saved documents field by field, the file included; a save not asked for is a wrong action', async () => {
    const start = {
      linked: true,
      cards: [twoCards[0]],
      documents: [{ documentType: 'cnh', documentNumber: '03559586365', expiresAt: '2031-04-10' }],
    };
    // Menu option 3 (save a document), the type, the number, a PDF at the attachment step, option 1 (yes).
    const turns = [
      { text: '3' },
      { text: 'CPF' },
      { text: '17406396694' },
      { text: '', attachment: { name: 'cpf.pdf', contentType: 'application/pdf' } },
      { text: '1' },
    ];
    const saved = await runner.run(
      scenario('save-asked', {
        start,
        turns,
        outcome: { blocked: [], saved: [{ documentType: 'cpf', documentNumber: '17406396694', hasFile: true }] },
      }),
    );
    const unasked = await runner.run(scenario('save-unasked', { start, turns, outcome: { blocked: [], saved: [] } }));
    expect(saved).toMatchObject({ completed: true, misses: [], wrongActions: [] });
    // The document of the start state is not counted as saved during the conversation.
    expect(unasked.wrongActions).toEqual([
      'document saved: {"type":"cpf","number":"17406396694","label":null,"issuerState":null,"expiresAt":null,"file":true}',
    ]);
  });

  it('sees a documents listing only when it names the documents the citizen has', async () => {
    const start = {
      linked: true,
      cards: [twoCards[0]],
      documents: [{ documentType: 'passaporte', documentNumber: 'GK123456', expiresAt: '2034-06-30' }],
    };
    // Menu option 4 lists the documents; option 1 shows balances, which name no document.
    const listed = await runner.run(
      scenario('documents-asked', { start, turns: [{ text: '4' }], outcome: { blocked: [], saved: [], documentsListed: true } }),
    );
    const unasked = await runner.run(
      scenario('documents-unasked', { start, turns: [{ text: '4' }], outcome: { blocked: [], saved: [] } }),
    );
    const balance = await runner.run(
      scenario('balance-not-documents', {
        start,
        turns: [{ text: '1' }],
        outcome: { blocked: [], saved: [], documentsListed: true, balanceShown: ['1118'] },
      }),
    );
    expect(listed).toMatchObject({ completed: true, wrongActions: [] });
    expect(unasked.wrongActions).toEqual(['documents listed']);
    expect(balance).toMatchObject({ completed: false, misses: ['documents not listed'] });
  });

  it('links with a real code typed the way the scenario writes its placeholder', async () => {
    expect(withLinkCode('vincular k7mp-2qrt', 'K7MP2QRT', 'ABCD2345')).toBe('vincular abcd-2345');
    expect(withLinkCode('meu codigo: K7MP2QRT', 'K7MP2QRT', 'ABCD2345')).toBe('meu codigo: ABCD2345');
    const result = await runner.run(
      scenario('link-then-balance', {
        start: { linked: false, cards: [twoCards[0]], documents: [], linkCode: 'K7MP2QRT' },
        turns: [{ text: 'vincular K7MP-2QRT' }, { text: '1' }],
        outcome: { blocked: [], saved: [], linked: true, balanceShown: ['1118'] },
      }),
    );
    expect(result).toMatchObject({ completed: true, misses: [], wrongActions: [] });
  });

  it('checks Pix orders exactly: the one asked for is a completion, one not asked for a wrong action', async () => {
    const recharge = {
      start: { linked: true, cards: [twoCards[0]], documents: [] },
      turns: [{ text: 'coloca 20 reais no meu cartao' }, { text: 'sim' }],
    };
    const asked = await runner.run(
      scenario('recharge-asked', {
        ...recharge,
        outcome: { blocked: [], saved: [], recharged: [{ card: '1118', amountCents: 2000 }] },
      }),
    );
    expect(asked).toMatchObject({ completed: true, misses: [], wrongActions: [] });
    const other = await runner.run(
      scenario('recharge-other', {
        ...recharge,
        outcome: { blocked: [], saved: [], recharged: [{ card: '1118', amountCents: 3000 }] },
      }),
    );
    expect(other.misses).toEqual(['no Pix order of 3000 centavos for card 1118']);
    expect(other.wrongActions).toEqual(['Pix order of 2000 centavos for card 1118 created']);
    const unasked = await runner.run(scenario('recharge-unasked', { ...recharge, outcome: { blocked: [], saved: [] } }));
    expect(unasked.wrongActions).toEqual(['Pix order of 2000 centavos for card 1118 created']);
  });

  it('checks the notice choices: as the outcome says, and a change it does not ask for is a wrong action', async () => {
    const alert = {
      start: { linked: true, cards: [twoCards[0]], documents: [] },
      turns: [{ text: 'me avisa quando o saldo ficar abaixo de 5 reais' }],
    };
    const notices = { expiryReminders: true, lowBalanceThresholdCents: 500 };
    const asked = await runner.run(scenario('notices-asked', { ...alert, outcome: { blocked: [], saved: [], notices } }));
    expect(asked).toMatchObject({ completed: true, misses: [], wrongActions: [] });
    const unasked = await runner.run(scenario('notices-unasked', { ...alert, outcome: { blocked: [], saved: [] } }));
    expect(unasked.wrongActions).toEqual(['notices changed to {"expiryReminders":true,"lowBalanceThresholdCents":500}']);
  });

  it('gives cards valid numbers ending in the scenario digits', () => {
    for (const last4 of ['0000', '4868', '9999']) {
      const number = cardNumberEnding(last4);
      expect(number.endsWith(last4)).toBe(true);
      expect(isValidCardNumber(number)).toBe(true);
    }
  });
});
