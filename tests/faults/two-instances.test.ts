import { randomInt, randomUUID } from 'node:crypto';
import { findDocumentType } from '../../src/documents/document-types';
import { spawnApp, type AppProcess } from '../support/app-process';
import { FakeConnector, type ConnectorActivity } from '../support/fake-connector';
import {
  balanceOf,
  cardsOf,
  createScratchDatabase,
  killApp,
  postJson,
  postgresAppEnv,
  registerRemoteAdmin,
  registerRemoteCitizen,
  runLedgerVerify,
} from '../support/remote-app';
import { requirePostgres } from '../support/require-postgres';

/**
 * Two app processes on one PostgreSQL database, as behind a load balancer: nothing a request needs may live in one
 * process's memory, and concurrent writes through both keep the ledger's invariants.
 */
requirePostgres();
jest.setTimeout(120_000);

let drop: (() => Promise<void>) | undefined;
let instances: AppProcess[] = [];
const connector = new FakeConnector();
let databaseUrl: string;

beforeAll(async () => {
  const scratch = await createScratchDatabase();
  drop = scratch.drop;
  databaseUrl = scratch.url;
  await connector.start();
  const env = postgresAppEnv(databaseUrl);
  instances = await Promise.all([spawnApp(env), spawnApp(env)]);
});

afterAll(async () => {
  await Promise.all(instances.map(killApp));
  await connector.stop();
  await drop?.();
});

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);

it('one bot conversation alternating between the instances saves a document the REST API then shows', async () => {
  const [a, b] = instances;
  const citizen = await registerRemoteCitizen(a.baseUrl);
  const conversation = `conv-${randomUUID()}`;
  let turn = 0;
  // Each message goes to the other instance than the previous one.
  const send = async (text: string, attachments: unknown[] = []): Promise<string> => {
    const instance = instances[turn % 2];
    turn += 1;
    const res = await postJson(
      instance.baseUrl,
      '/api/messages',
      connector.message({ conversation, user: `user-${conversation}`, text, attachments }),
    );
    expect(res.status).toBe(200);
    return connector
      .take()
      .map((reply: ConnectorActivity) => reply.text ?? '')
      .join('\n---\n');
  };

  const codeRes = await postJson(b.baseUrl, '/v1/bot/link-codes', undefined, citizen.auth);
  expect(codeRes.status).toBe(201);
  const { code } = (await codeRes.json()) as { code: string };
  expect(await send(`vincular ${code}`)).toMatch(/vinculada/);

  const cnh = findDocumentType('cnh')!;
  const steps: Array<[string, RegExp, unknown[]?]> = [
    ['quero guardar um documento', /Qual documento/],
    ['CNH', /número/],
    [cnh.numberExample, /validade/],
    ['1 de maio de 2030', /anexar/],
    [
      '',
      /Confira/,
      [{ contentType: 'image/png', contentUrl: `data:image/png;base64,${PNG.toString('base64')}`, name: 'cnh.png' }],
    ],
    ['sim', /salvo/],
  ];
  for (const [text, expected, attachments] of steps) expect(await send(text, attachments)).toMatch(expected);
  expect(turn).toBe(7);

  for (const instance of instances) {
    const docs = await fetch(`${instance.baseUrl}/v1/documents`, { headers: citizen.auth });
    const body = (await docs.json()) as { items: Array<{ type: string; expiresAt: string; file: unknown }> };
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ type: 'cnh', expiresAt: '2030-05-01' });
    expect(body.items[0].file).toBeTruthy();
  }
});

it('concurrent recharges through both instances keep every invariant', async () => {
  // An admin, on their own cards: the simulated recharge is admin-only.
  const owner = await registerRemoteAdmin(instances[0].baseUrl, databaseUrl);
  const cardIds = await cardsOf(instances[0].baseUrl, owner, 1);
  const succeeded = new Map(cardIds.map((id) => [id, 0]));
  await Promise.all(
    Array.from({ length: 80 }, async (_, i) => {
      const cardId = cardIds[i % cardIds.length];
      const amountCents = randomInt(100, 5001);
      const res = await postJson(
        instances[i % 2].baseUrl,
        `/v1/cards/${cardId}/recharges`,
        { amountCents },
        { ...owner.auth, 'idempotency-key': randomUUID() },
      );
      await res.arrayBuffer();
      expect(res.status).toBe(201);
      succeeded.set(cardId, succeeded.get(cardId)! + amountCents);
    }),
  );
  for (const cardId of cardIds) {
    for (const instance of instances) expect(await balanceOf(instance.baseUrl, owner, cardId)).toBe(succeeded.get(cardId));
  }
  const verified = await runLedgerVerify(databaseUrl);
  expect(verified.output).toContain('all invariants hold');
  expect(verified.code).toBe(0);
});
