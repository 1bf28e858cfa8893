import { Client } from 'pg';
import { LISTENER_APPLICATION_NAME, NotificationHub, type NotificationHandlers } from '../../src/db/notifications';
import { createLogger } from '../../src/shared/logger';
import { testDatabaseUrl } from '../setup/database';
import { requirePostgres } from '../support/require-postgres';

/**
 * One listening connection per process, whatever the number of channels: each channel's notifications reach only its
 * own listeners, a channel added to an open connection is listened to at once, and one closed is no longer heard.
 * (Reconnection after a terminated backend: tests/faults/directline-streams.test.ts.)
 */
requirePostgres();

let url: string;
let scratch: Client;

beforeAll(async () => {
  url = testDatabaseUrl()!;
  scratch = new Client({ connectionString: url });
  await scratch.connect();
});
afterAll(async () => {
  await scratch.end();
});

/** Handlers that record the payloads heard, and a promise for the next one. */
function recorder() {
  const heard: string[] = [];
  let next: ((payload: string) => void) | undefined;
  const handlers: NotificationHandlers = {
    onNotification(payload) {
      heard.push(payload);
      next?.(payload);
    },
    onResumed() {},
  };
  return {
    heard,
    handlers,
    nextPayload: () => new Promise<string>((resolve) => (next = resolve)),
  };
}

async function listenerBackends(): Promise<{ pid: number; query: string }[]> {
  const { rows } = await scratch.query<{ pid: number; query: string }>(
    'select pid, query from pg_stat_activity where datname = current_database() and application_name = $1',
    [LISTENER_APPLICATION_NAME],
  );
  return rows;
}

it('serves two channels on one connection; a closed channel is no longer heard, the other still is', async () => {
  const before = (await listenerBackends()).map((row) => row.pid);
  const hub = new NotificationHub(url, createLogger('silent'));
  const first = recorder();
  const second = recorder();
  const firstListener = await hub.listen('hub_test_first', first.handlers);
  const secondListener = await hub.listen('hub_test_second', second.handlers);

  const mine = (await listenerBackends()).filter((row) => !before.includes(row.pid));
  expect(mine).toHaveLength(1);
  expect(mine[0].query).toBe('listen hub_test_first; listen hub_test_second');

  const heardFirst = first.nextPayload();
  await scratch.query(`select pg_notify('hub_test_first', 'one')`);
  expect(await heardFirst).toBe('one');
  const heardSecond = second.nextPayload();
  await scratch.query(`select pg_notify('hub_test_second', 'two')`);
  expect(await heardSecond).toBe('two');
  expect(first.heard).toEqual(['one']);
  expect(second.heard).toEqual(['two']);

  // The first channel is no longer listened to; the second still is, on the same connection.
  await firstListener.close();
  const again = second.nextPayload();
  await scratch.query(`select pg_notify('hub_test_first', 'ignored'); select pg_notify('hub_test_second', 'three')`);
  expect(await again).toBe('three');
  expect(first.heard).toEqual(['one']);
  expect((await listenerBackends()).filter((row) => !before.includes(row.pid)).map((row) => row.pid)).toEqual([mine[0].pid]);

  await secondListener.close();
});
