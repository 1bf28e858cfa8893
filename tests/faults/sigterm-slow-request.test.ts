import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { spawnApp, type AppProcess } from '../support/app-process';
import {
  balanceOf,
  cardsOf,
  createScratchDatabase,
  killApp,
  postgresAppEnv,
  registerRemoteAdmin,
  waitFor,
} from '../support/remote-app';
import { requirePostgres } from '../support/require-postgres';

/** SIGTERM while a slow recharge is in flight, on PostgreSQL: it completes, new connections are refused, exit 0. */
requirePostgres();
jest.setTimeout(60_000);

let drop: (() => Promise<void>) | undefined;
let app: AppProcess | undefined;

afterAll(async () => {
  await killApp(app);
  await drop?.();
});

it('finishes the slow request in flight, refuses new ones, and exits 0', async () => {
  const scratch = await createScratchDatabase();
  drop = scratch.drop;
  app = await spawnApp(postgresAppEnv(scratch.url));
  const running = app;
  // An admin, on their own card: the simulated recharge is admin-only.
  const citizen = await registerRemoteAdmin(running.baseUrl, scratch.url);
  const [cardId] = await cardsOf(running.baseUrl, citizen);

  const body = JSON.stringify({ amountCents: 1234 });
  const { port } = new URL(running.baseUrl);
  let sendRest = (): void => undefined;
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: Number(port),
        method: 'POST',
        path: `/v1/cards/${cardId}/recharges`,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'idempotency-key': randomUUID(),
          ...citizen.auth,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    // Half the body now; the rest only once SIGTERM made the server refuse new connections.
    req.write(body.slice(0, 5));
    sendRest = () => req.end(body.slice(5));
  });

  // A later request on another connection is answered, so the slow one's headers have been read by now.
  expect((await fetch(`${running.baseUrl}/health`)).status).toBe(200);
  running.child.kill('SIGTERM');
  await waitFor('new connections to be refused', 10_000, async () => {
    try {
      await fetch(`${running.baseUrl}/health`, { signal: AbortSignal.timeout(1000) });
      return false;
    } catch {
      return true;
    }
  });
  expect(running.child.exitCode).toBeNull();
  // The rest of the body: the recharge runs against PostgreSQL while the process is shutting down.
  sendRest();
  const answer = await response;
  expect(answer.status).toBe(201);
  expect((JSON.parse(answer.text) as { balanceCents: number }).balanceCents).toBe(1234);
  expect(await running.exited).toBe(0);

  // The recharge is durable: a new process on the same database shows it.
  app = await spawnApp(postgresAppEnv(scratch.url));
  expect(await balanceOf(app.baseUrl, citizen, cardId)).toBe(1234);
});
