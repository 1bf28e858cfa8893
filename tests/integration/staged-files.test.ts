import { RequestContext } from '@mikro-orm/core';
import { registerCitizen, sampleFiles } from '../support/factories';
import { INTERNAL_REQUEST } from '../../src/shared/request-info';
import { DomainError } from '../../src/shared/errors';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Files sent in the chat wait in bot_staged_files, not yet encrypted, until the document is confirmed. Flows that end
 * otherwise (cancelled, given up, reset after the idle time) leave them behind: the periodic purge removes them once
 * their conversation has been quiet for the idle time, and never touches a flow still going on.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { DOCUMENT_QUOTA_BYTES: String(100 * 1024) } });
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

  expect(await t.app.services.stagedFiles.purgeAbandoned(30, t.app.clock.now())).toBe(2);

  const left = await sql<{ id: string }>(`select id from bot_staged_files where id in (?, ?, ?, ?)`, [
    quiet,
    orphan,
    slowFlow,
    fresh,
  ]);
  expect(left.map((row) => row.id).sort()).toEqual([slowFlow, fresh].sort());
  expect(await t.app.services.stagedFiles.purgeAbandoned(30, t.app.clock.now())).toBe(0);
});

describe('saving a document with its staged file (DocumentsService.createWithStagedFile)', () => {
  const inContext = <T>(work: () => Promise<T>) => RequestContext.create(t.app.db.em, work);

  async function documentsOf(userId: string): Promise<number> {
    const rows = await sql<{ n: number }>('select count(*)::int as n from documents where user_id = ?', [userId]);
    return rows[0].n;
  }

  test('a refused file stores nothing under the key; the same key runs for real once the file fits', async () => {
    const citizen = await registerCitizen(t);
    const actor = { id: citizen.id, role: 'citizen' as const };
    const conversationId = `staged-save-${citizen.id}`;
    const staged = await t.app.services.stagedFiles.stage('emulator', conversationId, sampleFiles.png(150 * 1024), 'cpf.png');
    if (!staged.ok) throw new Error(staged.message);
    const ref = { channel: 'emulator', conversationId, id: staged.id };
    const save = () =>
      inContext(() =>
        t.app.services.documents.createWithStagedFile(
          actor,
          { type: 'cpf', number: citizen.input.cpf },
          ref,
          'turn-1',
          INTERNAL_REQUEST,
        ),
      );

    await expect(save()).rejects.toMatchObject({ code: 'quota-exceeded' });
    expect(await documentsOf(citizen.id)).toBe(0);
    expect(await sql('select id from bot_staged_files where id = ?', [staged.id])).toHaveLength(1);

    await sql('update bot_staged_files set bytes = ? where id = ?', [sampleFiles.png(50 * 1024), staged.id]);
    const first = await save();
    expect(first.replayed).toBe(false);
    const again = await save();
    expect(again).toEqual({ result: first.result, replayed: true });
    expect(await documentsOf(citizen.id)).toBe(1);
    expect(await sql('select id from bot_staged_files where id = ?', [staged.id])).toHaveLength(0);
    const saved = await inContext(() => t.app.services.documents.get(actor, first.result.documentId));
    expect(saved.file).toMatchObject({ contentType: 'image/png', sizeBytes: 50 * 1024 });
  });

  test('a staged file that is gone saves no document without it', async () => {
    const citizen = await registerCitizen(t);
    const actor = { id: citizen.id, role: 'citizen' as const };
    const error = await inContext(() =>
      t.app.services.documents.createWithStagedFile(
        actor,
        { type: 'cpf', number: citizen.input.cpf },
        { channel: 'emulator', conversationId: 'staged-gone', id: '0190a5b4-0000-7000-8000-000000000000' },
        'turn-1',
        INTERNAL_REQUEST,
      ),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'not-found', message: expect.stringMatching(/não está mais disponível/) });
    expect(await documentsOf(citizen.id)).toBe(0);
  });
});
