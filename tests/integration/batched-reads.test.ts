import { randomUUID } from 'node:crypto';
import { ConversationsRepository } from '../../src/conversations/conversations.repository';
import { CardsRepository } from '../../src/transport/cards.repository';
import type { PreparedStatement } from '../../src/db/prepared';
import { startTestApp, type TestApp } from '../support/test-app';
import { registerCitizen, type SignedInCitizen } from '../support/factories';

/**
 * A bot turn's two reads (its conversation, the citizen's cards) asked for by several requests in the same turn of the
 * event loop go as one statement each (src/db/batched-read.ts). Each caller must get exactly what its own read gives:
 * the answers of a batch are compared with the same reads made one at a time.
 */
let t: TestApp;
let ana: SignedInCitizen;
let bia: SignedInCitizen;
let conversations: ConversationsRepository;
let cards: CardsRepository;

/** The names of the prepared statements a repository runs from now on. */
function statementsOf(repository: object): string[] {
  const names: string[] = [];
  const target = repository as { prepared(statement: PreparedStatement, values: unknown[]): Promise<unknown[]> };
  const original = target.prepared.bind(repository);
  target.prepared = (statement, values) => {
    names.push(statement.name);
    return original(statement, values);
  };
  return names;
}

beforeAll(async () => {
  t = await startTestApp();
  ana = await registerCitizen(t);
  bia = await registerCitizen(t);
  await t.app.services.cards.requestCard({ id: bia.id, role: 'citizen' });
  const em = t.app.db.em;
  conversations = new ConversationsRepository(em);
  cards = new CardsRepository(em);
  await em.execute(`insert into channel_links (channel, channel_user_id, user_id, id) values (?, ?, ?, ?), (?, ?, ?, ?)`, [
    'test:emulator',
    'ana-account',
    ana.id,
    randomUUID(),
    'test:emulator',
    'bia-account',
    bia.id,
    randomUUID(),
  ]);
  await conversations.insert('test:emulator', 'saved', JSON.stringify({ value: 'menu', context: { n: 1 } }), {
    channelUserId: 'ana-account',
    userId: ana.id,
  });
  await conversations.update('test:emulator', 'saved', JSON.stringify({ value: 'menu', context: { n: 2 } }), 1, {
    channelUserId: 'ana-account',
    userId: ana.id,
  });
  // Version 0: only an opt-in to notifications, no turn saved yet.
  await conversations.setNotifications('test:emulator', 'opted-in', 'bia-account', bia.id, true, { id: 'address' });
});
afterAll(async () => {
  await t.close();
});

test('conversation loads asked together are one statement, and each gets what its own load gives', async () => {
  const asked: Array<[string, string]> = [
    ['saved', 'ana-account'],
    ['opted-in', 'bia-account'],
    ['never-saved', 'ana-account'],
    ['saved', 'bia-account'],
    ['never-saved', 'nobody'],
  ];
  const alone = [];
  for (const [conversation, account] of asked) alone.push(await conversations.load('test:emulator', conversation, account));
  expect(alone[0]).toMatchObject({
    conversation: { snapshot: { value: 'menu', context: { n: 2 } }, version: 2, channelUserId: 'ana-account', userId: ana.id },
    linkedUserId: ana.id,
  });
  expect(alone[1]).toEqual({ conversation: null, linkedUserId: bia.id });
  expect(alone[4]).toEqual({ conversation: null, linkedUserId: null });

  const statements = statementsOf(conversations);
  const together = await Promise.all(
    asked.map(([conversation, account]) => conversations.load('test:emulator', conversation, account)),
  );
  expect(together).toEqual(alone);
  expect(statements).toEqual(['conversation_load_many']);
});

test('first pages of cards asked together are one statement, each with its own owner and limit', async () => {
  const asked: Array<[string, number]> = [
    [bia.id, 100],
    [ana.id, 100],
    [bia.id, 1],
    [randomUUID(), 100],
  ];
  const alone = [];
  for (const [owner, limit] of asked) alone.push(await cards.listOwned(owner, limit));
  expect(alone.map((page) => page.length)).toEqual([2, 1, 1, 0]);

  const statements = statementsOf(cards);
  const together = await Promise.all(asked.map(([owner, limit]) => cards.listOwned(owner, limit)));
  expect(together).toEqual(alone);
  expect(statements).toEqual(['cards_first_many']);
});

test('an owner id that is no UUID fails alone, never the listings asked with it', async () => {
  const [good, bad] = await Promise.allSettled([cards.listOwned(ana.id, 100), cards.listOwned('not-a-uuid', 100)]);
  expect(good).toMatchObject({ status: 'fulfilled', value: [{ status: 'active' }] });
  expect(bad.status).toBe('rejected');
});
