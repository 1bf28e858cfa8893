import { randomUUID } from 'node:crypto';
import { spawnApp, type AppProcess } from '../support/app-process';
import { PrivatePostgres } from '../support/private-postgres';
import {
  cardsOf,
  killApp,
  postJson,
  postgresAppEnv,
  registerRemoteAdmin,
  waitFor,
  type RemoteCitizen,
} from '../support/remote-app';

/**
 * PostgreSQL stops abruptly under load and comes back: the app answers 503 problems quickly while it is gone, stays
 * up, and serves again by itself once it returns. The database is a private cluster started here (never the machine's
 * shared server).
 */
jest.setTimeout(120_000);

let cluster: PrivatePostgres | undefined;
let app: AppProcess | undefined;

afterAll(async () => {
  await killApp(app);
  await cluster?.destroy();
});

interface Outcome {
  status: number;
  contentType: string;
  type?: string;
  ms: number;
}

/** One request, timed; a request that the server never answers is cut after 10 s (status 0). */
async function timed(request: () => Promise<Response>): Promise<Outcome> {
  const started = Date.now();
  try {
    const res = await request();
    const text = await res.text();
    const contentType = res.headers.get('content-type') ?? '';
    const type = contentType.includes('problem+json') ? (JSON.parse(text) as { type: string }).type : undefined;
    return { status: res.status, contentType, type, ms: Date.now() - started };
  } catch {
    return { status: 0, contentType: '', ms: Date.now() - started };
  }
}

function read(baseUrl: string, citizen: RemoteCitizen, cardId: string) {
  return timed(() => fetch(`${baseUrl}/v1/cards/${cardId}`, { headers: citizen.auth, signal: AbortSignal.timeout(10_000) }));
}

function recharge(baseUrl: string, citizen: RemoteCitizen, cardId: string) {
  return timed(() =>
    fetch(`${baseUrl}/v1/cards/${cardId}/recharges`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), ...citizen.auth },
      body: JSON.stringify({ amountCents: 100 }),
      signal: AbortSignal.timeout(10_000),
    }),
  );
}

it('answers 503 problems quickly while PostgreSQL is down, stays up, and recovers by itself', async () => {
  cluster = await PrivatePostgres.create();
  app = await spawnApp(postgresAppEnv(cluster.url, { DB_POOL_MAX: '5' }));
  const { baseUrl } = app;
  // An admin, on their own card: the simulated recharge is admin-only.
  const citizen = await registerRemoteAdmin(baseUrl, cluster.url);
  const [cardId] = await cardsOf(baseUrl, citizen);

  // A steady load of reads and recharges from 4 clients until told to stop.
  let loading = true;
  const outcomes: Outcome[] = [];
  const clients = Array.from({ length: 4 }, async (_, i) => {
    while (loading) outcomes.push(await (i % 2 === 0 ? read : recharge)(baseUrl, citizen, cardId));
  });
  await waitFor(
    'the load to get answers',
    10_000,
    async () => outcomes.filter((o) => o.status === 200 || o.status === 201).length >= 20,
  );

  await cluster.stop('immediate');
  const downSince = outcomes.length;
  // Fresh requests while the database is down: each one a 503 service-unavailable problem, answered within seconds.
  const whileDown = [
    await read(baseUrl, citizen, cardId),
    await recharge(baseUrl, citizen, cardId),
    await timed(() => fetch(`${baseUrl}/ready`, { signal: AbortSignal.timeout(10_000) })),
  ];
  await waitFor('the load to see the outage', 10_000, async () => outcomes.length >= downSince + 8);
  for (const outcome of [...whileDown, ...outcomes.slice(downSince + 4)]) {
    expect(outcome).toMatchObject({ status: 503, type: '/problems/service-unavailable' });
    expect(outcome.contentType).toContain('application/problem+json');
    expect(outcome.ms).toBeLessThan(5000);
  }
  expect(app.child.exitCode).toBeNull();

  await cluster.start();
  // Nothing restarts the app: its pool reconnects on its own.
  await waitFor('/ready to answer 200 again', 20_000, async () => (await fetch(`${baseUrl}/ready`)).status === 200);
  const recovered = outcomes.length;
  await waitFor(
    'the load to succeed again',
    10_000,
    async () => outcomes.slice(recovered).filter((o) => o.status === 200 || o.status === 201).length >= 8,
  );
  loading = false;
  await Promise.all(clients);

  // Across the whole run: no 500, no hang, no request left unanswered.
  const statuses = new Set(outcomes.map((o) => o.status));
  expect([...statuses].every((s) => s === 200 || s === 201 || s === 503)).toBe(true);
  expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(5000);
  expect((await recharge(baseUrl, citizen, cardId)).status).toBe(201);
  expect((await postJson(baseUrl, '/v1/cards', undefined, citizen.auth)).status).toBe(201);
  expect(app.child.exitCode).toBeNull();
});
