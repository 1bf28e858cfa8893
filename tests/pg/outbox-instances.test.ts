import { buildApp, type App } from '../../src/main';
import { loadConfig, type Config } from '../../src/config';
import { Transactions } from '../../src/db/repository';
import { createLogger } from '../../src/shared/logger';
import { createMailer } from '../../src/shared/mailer';
import { FakeConnector } from '../support/fake-connector';
import { firstCardId, postJson, registerCitizen } from '../support/factories';
import { checkedFetch } from '../support/openapi-conformance';
import { requirePostgres } from '../support/require-postgres';
import { createTestDatabase, type TestApp } from '../support/test-app';

/**
 * The outbox across instances on one PostgreSQL database: two dispatchers working the same pending events deliver each
 * once (claims with SKIP LOCKED), and an instance that cannot send wakes the others through the database.
 */
requirePostgres();
jest.setTimeout(60_000);

let drop: () => Promise<void>;
let url: string;
const closing: Array<() => Promise<void>> = [];
const connector = new FakeConnector();

function configFor(env: Record<string, string> = {}): Config {
  return {
    ...loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
      FILE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      DATABASE_URL: url,
      ...env,
    }),
    database: { kind: 'postgresql', url, poolMax: 5 },
  };
}

async function start(env: Record<string, string> = {}): Promise<TestApp> {
  const config = configFor(env);
  const logger = createLogger('silent');
  const app: App = await buildApp(config, { logger, mailer: createMailer(config.mail, logger, () => undefined) });
  const port = await app.listen();
  const baseUrl = `http://127.0.0.1:${port}`;
  closing.push(() => app.close());
  return { app, baseUrl, fetch: (path, init) => checkedFetch(baseUrl, path, init), close: () => app.close() };
}

beforeAll(async () => {
  const database = await createTestDatabase();
  if (database.database.kind !== 'postgresql') throw new Error('expected PostgreSQL');
  url = database.database.url;
  drop = () => database.drop();
  await connector.start();
});
afterAll(async () => {
  for (const close of closing.reverse()) await close();
  await connector.stop();
  await drop();
});

it('two instances dispatching the same backlog deliver each event once; a process that cannot send wakes the others', async () => {
  const a = await start();
  const b = await start({ NOTIFICATIONS_TEST_HOLD_DISPATCH: 'true' });
  const citizen = await registerCitizen(a);
  const cardId = await firstCardId(a, citizen);
  const say = async (text: string) => {
    const res = await postJson(a, '/api/messages', connector.message({ conversation: 'two-conv', user: 'two-user', text }));
    expect(res.status).toBe(200);
    return connector.take().map((m) => m.text ?? '');
  };
  const code = (await (await a.fetch('/v1/bot/link-codes', { method: 'POST', headers: citizen.auth })).json()) as {
    code: string;
  };
  expect((await say(`vincular ${code.code}`))[0]).toMatch(/vinculada/);
  expect((await say('ativar avisos'))[0]).toMatch(/Vou avisar aqui/);

  // A backlog as crashed instances would leave it: committed, nobody woken.
  const protocols = Array.from({ length: 30 }, (_, i) => `2026-${String(i).padStart(6, '0')}`);
  await new Transactions(a.app.db.em.fork()).run(async (tx) => {
    for (const protocol of protocols) {
      await a.app.services.outbox.add(tx, `card-blocked:${protocol}`, {
        type: 'card-blocked',
        userId: citizen.id,
        cardId,
        maskedNumber: '•••• 1234',
        protocol,
      });
    }
  });
  // A second dispatcher without the hold: both work the backlog at once.
  const c = await start();
  await Promise.all([a.app.notifications.dispatchPending(), c.app.notifications.dispatchPending()]);
  const texts = connector.take().map((m) => m.text ?? '');
  expect(texts).toHaveLength(protocols.length);
  expect(new Set(texts).size).toBe(protocols.length);
  const rows = await a.app.db.em
    .fork()
    .execute<Array<{ n: number }>>('select count(*)::int as n from outbox_events where dispatched_at is null');
  expect(rows).toEqual([{ n: 0 }]);

  // B cannot send (held): it wakes the others with a notification, and one of them delivers.
  await new Transactions(b.app.db.em.fork()).run((tx) =>
    b.app.services.outbox.add(tx, 'card-blocked:woken', {
      type: 'card-blocked',
      userId: citizen.id,
      cardId,
      maskedNumber: '•••• 1234',
      protocol: 'woken',
    }),
  );
  b.app.services.outbox.announce();
  const until = Date.now() + 10_000;
  const woken: string[] = [];
  while (!woken.some((text) => text.includes('Protocolo: woken')) && Date.now() < until) {
    await Promise.all([a.app.notifications.idle(), c.app.notifications.idle()]);
    woken.push(...connector.take().map((m) => m.text ?? ''));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  expect(woken.filter((text) => text.includes('Protocolo: woken'))).toHaveLength(1);
});
