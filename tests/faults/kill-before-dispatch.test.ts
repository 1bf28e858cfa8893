import { Client } from 'pg';
import { spawnApp, type AppProcess } from '../support/app-process';
import { FakeConnector } from '../support/fake-connector';
import {
  cardsOf,
  createScratchDatabase,
  killApp,
  postJson,
  postgresAppEnv,
  registerRemoteAdmin,
  registerRemoteCitizen,
  waitFor,
} from '../support/remote-app';
import { requirePostgres } from '../support/require-postgres';

/**
 * kill -9 in the window between a recharge's commit and the dispatch of its notice (held open on purpose with the
 * test-only NOTIFICATIONS_TEST_HOLD_DISPATCH), then a restart on the same database: the notice arrives, once, and
 * the event is marked dispatched (no later run takes it again).
 */
requirePostgres();
jest.setTimeout(120_000);

let drop: (() => Promise<void>) | undefined;
let app: AppProcess | undefined;
let connector: FakeConnector | undefined;
let db: Client | undefined;

afterAll(async () => {
  await killApp(app);
  await db?.end();
  await connector?.stop();
  await drop?.();
});

it('delivers a notice committed just before a kill -9 exactly once after the restart', async () => {
  const scratch = await createScratchDatabase();
  drop = scratch.drop;
  db = new Client({ connectionString: scratch.url });
  await db.connect();
  connector = new FakeConnector();
  await connector.start();
  const fake = connector;
  const env = postgresAppEnv(scratch.url);

  app = await spawnApp({ ...env, NOTIFICATIONS_TEST_HOLD_DISPATCH: 'true' });
  const base = app.baseUrl;
  const citizen = await registerRemoteCitizen(base);
  const [cardId] = await cardsOf(base, citizen);
  // The simulated recharge is admin-only: an admin credits the citizen's card, and the notice is the owner's.
  const operator = await registerRemoteAdmin(base, scratch.url);
  const say = async (text: string) => {
    const res = await postJson(base, '/api/messages', fake.message({ conversation: 'kill-conv', user: 'kill-user', text }));
    expect(res.status).toBe(200);
    return fake.take().map((a) => a.text ?? '');
  };
  const code = (await (await postJson(base, '/v1/bot/link-codes', {}, citizen.auth)).json()) as { code: string };
  expect((await say(`vincular ${code.code}`))[0]).toMatch(/vinculada/);
  expect((await say('ativar avisos'))[0]).toMatch(/Vou avisar aqui/);

  const res = await postJson(
    base,
    `/v1/cards/${cardId}/recharges`,
    { amountCents: 4321 },
    { ...operator.auth, 'idempotency-key': 'kill-before-dispatch' },
  );
  expect(res.status).toBe(201);
  const { transaction } = (await res.json()) as { transaction: { id: string } };
  const key = `recharge-confirmed:${transaction.id}`;
  // Committed with the recharge, and not dispatched: the process is in the window.
  const pending = await db.query<{ dispatched_at: Date | null }>('select dispatched_at from outbox_events where key = $1', [key]);
  expect(pending.rows).toEqual([{ dispatched_at: null }]);
  await killApp(app);
  expect(fake.take()).toEqual([]);

  // The restart dispatches what the killed process left (at start-up, not at the next sweep).
  app = await spawnApp(env);
  const isDispatched = async () =>
    (await db!.query('select 1 from outbox_events where key = $1 and dispatched_at is not null', [key])).rowCount === 1;
  await waitFor('the notice to be dispatched after the restart', 30_000, isDispatched);
  const notices = fake.take().filter((a) => /Recarga confirmada/.test(a.text ?? ''));
  expect(notices.map((a) => a.text)).toEqual([
    expect.stringMatching(/^Recarga confirmada: R\$ 43,21 no cartão •••• \d{4}\. Saldo atual: R\$ 43,21\.$/),
  ]);
  const deliveries = await db.query(
    'select d.channel from notification_deliveries d join outbox_events e on e.id = d.event_id where e.key = $1',
    [key],
  );
  expect(deliveries.rows).toEqual([{ channel: 'botframework:emulator' }]);
});
