import { sampleFiles } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Files sent in the chat wait in bot_staged_files, not yet encrypted, until the document is confirmed. Flows that end
 * otherwise (cancelled, given up, reset after the idle time) leave them behind: the periodic purge removes them once
 * their conversation has been quiet for the idle time, and never touches a flow still going on.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const sql = <T>(query: string, params: unknown[] = []) => t.app.db.em.fork().execute<T[]>(query, params);

async function stageIn(conversationId: string, minutesAgo: number): Promise<string> {
  const outcome = await t.app.services.stagedFiles.stage('emulator', conversationId, sampleFiles.png(), 'rg.png');
  if (!outcome.ok) throw new Error(outcome.message);
  await sql(`update bot_staged_files set created_at = now() - make_interval(mins => ?) where id = ?`, [minutesAgo, outcome.id]);
  return outcome.id;
}

async function conversation(conversationId: string, lastTurnMinutesAgo: number): Promise<void> {
  await sql(
    `insert into conversations (channel, conversation_id, snapshot, version, updated_at)
     values ('emulator', ?, '{}'::jsonb, 1, now() - make_interval(mins => ?))`,
    [conversationId, lastTurnMinutesAgo],
  );
}

test('deletes the files of quiet or vanished conversations, keeps those of flows still going on', async () => {
  await conversation('staged-quiet', 45);
  const quiet = await stageIn('staged-quiet', 40);
  const orphan = await stageIn('staged-orphan', 40);
  await conversation('staged-slow-flow', 5);
  const slowFlow = await stageIn('staged-slow-flow', 40);
  await conversation('staged-fresh', 45);
  const fresh = await stageIn('staged-fresh', 2);

  expect(await t.app.services.stagedFiles.purgeAbandoned(30)).toBe(2);

  const left = await sql<{ id: string }>(`select id from bot_staged_files where id in (?, ?, ?, ?)`, [
    quiet,
    orphan,
    slowFlow,
    fresh,
  ]);
  expect(left.map((row) => row.id).sort()).toEqual([slowFlow, fresh].sort());
  expect(await t.app.services.stagedFiles.purgeAbandoned(30)).toBe(0);
});
