import { randomInt, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { spawnApp, type AppProcess } from '../support/app-process';
import {
  cardsOf,
  createScratchDatabase,
  killApp,
  postJson,
  postgresAppEnv,
  registerRemoteAdmin,
  runLedgerVerify,
  waitFor,
  type RemoteCitizen,
} from '../support/remote-app';
import { requirePostgres } from '../support/require-postgres';

/**
 * kill -9 in the middle of a storm of recharges and debits, then a restart on the same database: the ledger is intact,
 * every success the clients saw is in it exactly once, and retrying what got no answer never applies anything twice.
 */
requirePostgres();
jest.setTimeout(120_000);

let drop: (() => Promise<void>) | undefined;
let app: AppProcess | undefined;

afterAll(async () => {
  await killApp(app);
  await drop?.();
});

interface Operation {
  owner: RemoteCitizen;
  cardId: string;
  kind: 'recharges' | 'debits';
  amountCents: number;
  key: string;
  /** HTTP status, or undefined when the connection broke before an answer arrived. */
  status?: number;
  transactionId?: string;
}

async function send(baseUrl: string, op: Operation): Promise<void> {
  try {
    const res = await postJson(
      baseUrl,
      `/v1/cards/${op.cardId}/${op.kind}`,
      { amountCents: op.amountCents },
      { ...op.owner.auth, 'idempotency-key': op.key },
    );
    const body = (await res.json()) as { transaction?: { id: string } };
    op.status = res.status;
    op.transactionId = body.transaction?.id;
  } catch {
    // No answer (the process died with the request in flight): the outcome is unknown to the client.
    op.status = undefined;
  }
}

it('keeps the ledger intact and every answered success exactly once across a kill -9', async () => {
  const scratch = await createScratchDatabase();
  drop = scratch.drop;
  const databaseUrl = scratch.url;
  // A claim left by the killed process stops blocking retries after 1 s instead of a minute.
  const env = postgresAppEnv(databaseUrl, { IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS: '1', DB_POOL_MAX: '10' });
  app = await spawnApp(env);

  // Admins, on their own cards: the simulated recharge is admin-only.
  const owners = [await registerRemoteAdmin(app.baseUrl, databaseUrl), await registerRemoteAdmin(app.baseUrl, databaseUrl)];
  const cards: Array<{ owner: RemoteCitizen; cardId: string }> = [];
  for (const owner of owners) {
    for (const cardId of await cardsOf(app.baseUrl, owner, 1)) cards.push({ owner, cardId });
  }
  // Some balance first, so debits succeed too.
  for (const card of cards) {
    const op: Operation = { ...card, kind: 'recharges', amountCents: 20_000, key: randomUUID() };
    await send(app.baseUrl, op);
    expect(op.status).toBe(201);
  }

  // The storm: 12 clients, each sending one operation after another with a fresh key, until the process is gone.
  const operations: Operation[] = [];
  let alive = true;
  const running = app;
  const clients = Array.from({ length: 12 }, async () => {
    for (let i = 0; alive && i < 2000; i++) {
      const card = cards[randomInt(cards.length)];
      const isRecharge = randomInt(2) === 0;
      const op: Operation = {
        ...card,
        kind: isRecharge ? 'recharges' : 'debits',
        amountCents: isRecharge ? randomInt(100, 5001) : randomInt(1, 3001),
        key: randomUUID(),
      };
      operations.push(op);
      await send(running.baseUrl, op);
    }
  });
  await waitFor(
    'the storm to get 150 answers',
    30_000,
    async () => operations.filter((op) => op.status !== undefined).length >= 150,
  );
  running.child.kill('SIGKILL');
  await running.exited;
  alive = false;
  await Promise.all(clients);

  const answered = operations.filter((op) => op.status !== undefined && op.status >= 200 && op.status < 300);
  const unanswered = operations.filter((op) => op.status === undefined);
  expect(answered.length).toBeGreaterThan(50);
  expect(operations.every((op) => op.status === undefined || op.status < 500)).toBe(true);

  app = await spawnApp(env);
  const afterRestart = await runLedgerVerify(databaseUrl);
  expect(afterRestart.output).toContain('all invariants hold');
  expect(afterRestart.code).toBe(0);

  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const ledgerByKey = async () => {
      const { rows } = await client.query<{ id: string; idempotency_key: string }>(
        'select id, idempotency_key from card_ledger where idempotency_key is not null',
      );
      const map = new Map<string, string[]>();
      for (const row of rows) map.set(row.idempotency_key, [...(map.get(row.idempotency_key) ?? []), row.id]);
      return map;
    };

    // Every success the client received is in the ledger exactly once, with the transaction id it was told.
    const before = await ledgerByKey();
    for (const op of answered) expect(before.get(op.key)).toEqual([op.transactionId]);

    // Retrying what got no answer, with the same keys: at most one effect each, whatever the first attempt did.
    for (const op of unanswered) {
      await waitFor(`a final answer for key ${op.key}`, 15_000, async () => {
        await send(app!.baseUrl, op);
        return op.status !== undefined && op.status !== 409;
      });
      expect([201, 422]).toContain(op.status);
    }
    const after = await ledgerByKey();
    for (const op of unanswered) {
      const entries = after.get(op.key) ?? [];
      expect(entries.length).toBeLessThanOrEqual(1);
      if (op.status === 201) expect(entries).toEqual([op.transactionId]);
      else expect(entries).toEqual([]);
    }
    // The answered ones replay the same transaction and add nothing.
    for (const op of answered.slice(0, 10)) {
      const replay: Operation = { ...op };
      await send(app.baseUrl, replay);
      expect(replay.transactionId).toBe(op.transactionId);
    }
    expect((await ledgerByKey()).size).toBe(after.size);
  } finally {
    await client.end();
  }
  const final = await runLedgerVerify(databaseUrl);
  expect(final.code).toBe(0);
});
