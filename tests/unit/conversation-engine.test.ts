import { ConversationEngine } from '../../bot/conversation-engine';
import { createUnderstanding, type Understanding } from '../../bot/understanding';
import type { BotMessage, ConversationKey, WalletPorts } from '../../bot/flows/types';
import type { ConversationStore, StoredConversation, TurnStart } from '../../src/conversations/conversation-store';
import type { Logger } from '../../src/shared/logger';

/**
 * The engine keeps an actor that ended its turn at the menu and goes on with it when the next turn loads the same
 * stored conversation. These tests change the stored conversation behind its back (another instance's turn, an
 * erasure that starts the conversation again at version 1) and check the turn answers exactly as an engine that
 * restores every snapshot from the store.
 */

interface Row {
  json: string;
  version: number;
  updatedAt: Date;
  channelUserId: string | null;
  userId: string | null;
}

/** The conversations table in memory, with the optimistic concurrency of the real store. */
class MemoryStore {
  rows = new Map<string, Row>();

  load(channel: string, conversationId: string): Promise<TurnStart> {
    const row = this.rows.get(`${channel}/${conversationId}`);
    const conversation: StoredConversation | null = row
      ? {
          snapshot: JSON.parse(row.json) as unknown,
          version: row.version,
          updatedAt: row.updatedAt,
          channelUserId: row.channelUserId,
          userId: row.userId,
        }
      : null;
    return Promise.resolve({ conversation, linkedUserId: 'citizen-1' });
  }

  save(
    channel: string,
    conversationId: string,
    json: string,
    expectedVersion: number,
    owner: { channelUserId: string; userId: string | null },
  ): Promise<boolean> {
    const id = `${channel}/${conversationId}`;
    if ((this.rows.get(id)?.version ?? 0) !== expectedVersion) return Promise.resolve(false);
    this.rows.set(id, { json, version: expectedVersion + 1, updatedAt: new Date(), ...owner });
    return Promise.resolve(true);
  }

  copy(): MemoryStore {
    const copy = new MemoryStore();
    copy.rows = new Map([...this.rows].map(([id, row]) => [id, { ...row }]));
    return copy;
  }
}

const cards = [{ id: 'card-1', masked: '•••• 1234', balanceCents: 1234, status: 'active' as const }];
const ports = {
  listCards: () => Promise.resolve(cards),
  firstName: () => Promise.resolve('Maria'),
} as unknown as WalletPorts;
const logger = { info() {}, warn() {}, error() {}, debug() {} } as unknown as Logger;
const key: ConversationKey = { channel: 'emulator', conversationId: 'conversation-1', channelUserId: 'user-1' };

let understanding: Understanding;
beforeAll(async () => {
  understanding = await createUnderstanding();
});

function engineOn(store: MemoryStore): ConversationEngine {
  return new ConversationEngine(
    ports,
    understanding,
    store as unknown as ConversationStore,
    {
      idleMinutes: 30,
      linkResumeMinutes: 10,
      turnTimeoutMs: 5000,
      clock: { now: () => new Date('2026-12-06T12:00:00Z') },
    },
    logger,
  );
}

let turns = 0;
function say(engine: ConversationEngine, text: string): Promise<BotMessage[]> {
  turns += 1;
  return engine.handleTurn(key, { text, attachments: [] }, `turn-${turns}`);
}

/** The next turn on `engine` answers and stores what an engine without kept actors answers and stores. */
async function expectSameAsRestored(engine: ConversationEngine, store: MemoryStore, text: string): Promise<BotMessage[]> {
  const copy = store.copy();
  const turnId = `turn-${++turns}`;
  const restored = await engineOn(copy).handleTurn(key, { text, attachments: [] }, turnId);
  const replies = await engine.handleTurn(key, { text, attachments: [] }, turnId);
  expect(replies).toEqual(restored);
  expect(JSON.parse(store.rows.get(`${key.channel}/${key.conversationId}`)!.json)).toEqual(
    JSON.parse(copy.rows.get(`${key.channel}/${key.conversationId}`)!.json),
  );
  return replies;
}

describe('the actor kept between turns', () => {
  it('goes on from the stored conversation when another instance moved it on', async () => {
    const store = new MemoryStore();
    const here = engineOn(store);
    const elsewhere = engineOn(store);
    expect((await say(here, '1'))[0].text).toContain('R$ 12,34');
    expect((await say(here, '1'))[0].text).toContain('R$ 12,34');
    // Another instance starts a card block: the conversation is mid-flow, one version on.
    await say(elsewhere, '2');
    const replies = await expectSameAsRestored(here, store, '1');
    expect(replies[0].text).not.toContain('Saldo');
  });

  it('is not taken for a conversation erased and started again at the same version', async () => {
    const store = new MemoryStore();
    const here = engineOn(store);
    const elsewhere = engineOn(store);
    await say(here, '1');
    const id = `${key.channel}/${key.conversationId}`;
    expect(store.rows.get(id)!.version).toBe(1);
    // Erasure deletes the conversation; another instance's turn stores a new one, mid-flow, at version 1 again.
    store.rows.delete(id);
    await say(elsewhere, '2');
    expect(store.rows.get(id)!.version).toBe(1);
    const replies = await expectSameAsRestored(here, store, '1');
    expect(replies[0].text).not.toContain('Saldo');
  });

  it('answers at the menu as a restored one does, turn after turn', async () => {
    const store = new MemoryStore();
    const here = engineOn(store);
    for (const text of ['1', 'ajuda', '1', 'menu', 'xablau', '1']) await expectSameAsRestored(here, store, text);
  });
});
