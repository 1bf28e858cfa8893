import type { FakeConnector } from '../support/fake-connector';
import { startBotTestSetup, type BotTestSetup } from '../support/bot-test-setup';
import { postJson, registerAdmin, type SignedInCitizen } from '../support/factories';
import type { TestApp } from '../support/test-app';

/**
 * The hottest requests run without forking an EntityManager (their reads go straight to the connection, and so does
 * the global per-address limit, which is on here); a request that uses the identity map still gets its own fork, made
 * when first needed.
 */
let t: TestApp;
let connector: FakeConnector;
let citizen: SignedInCitizen;
/** Funds the citizen's card: the simulated recharge is an admin's tool (citizens pay by Pix). */
let admin: SignedInCitizen;
let cardId: string;
let setup: BotTestSetup;

beforeAll(async () => {
  setup = await startBotTestSetup();
  ({ t, connector, citizen, cardId } = setup);
  admin = await registerAdmin(t);
});
afterAll(() => setup.close());

async function forksDuring(work: () => Promise<void>): Promise<number> {
  const fork = jest.spyOn(t.app.db.em, 'fork');
  try {
    await work();
    return fork.mock.calls.length;
  } finally {
    fork.mockRestore();
  }
}

function turn(text: string) {
  return postJson(t, '/api/messages', connector.message({ conversation: 'uow-conv', user: 'uow-user', text }));
}

describe('one unit of work per request, made on first use', () => {
  it('GET /v1/cards/{id} and the card list fork nothing', async () => {
    const forks = await forksDuring(async () => {
      expect((await t.fetch(`/v1/cards/${cardId}`, { headers: citizen.auth })).status).toBe(200);
      expect((await t.fetch('/v1/cards', { headers: citizen.auth })).status).toBe(200);
    });
    expect(forks).toBe(0);
  });

  it('a balance turn of a linked citizen forks nothing', async () => {
    const code = (await (await t.fetch('/v1/bot/link-codes', { method: 'POST', headers: citizen.auth })).json()) as {
      code: string;
    };
    expect((await turn(`vincular ${code.code}`)).status).toBe(200);
    connector.take();
    const forks = await forksDuring(async () => {
      expect((await turn('1')).status).toBe(200);
    });
    expect(connector.take().map((activity) => activity.text)).toEqual([expect.stringMatching(/R\$ 0,00/)]);
    expect(forks).toBe(0);
  });

  it("a recharge forks nothing: its one statement goes straight to the connection; its notice is dispatched in the background from the dispatcher's own root", async () => {
    const forks = await forksDuring(async () => {
      const res = await postJson(
        t,
        `/v1/cards/${cardId}/recharges`,
        { amountCents: 500 },
        { ...admin.auth, 'idempotency-key': 'uow-recharge-1' },
      );
      // The dispatch starts right after the commit, before the response is sent: forks of the request's root by it
      // would be counted here.
      expect(res.status).toBe(201);
      await t.app.notifications.idle();
    });
    expect(forks).toBe(0);
    // The dispatch did run: the recharge's outbox event is no longer pending.
    const pending = await t.app.db.em
      .fork()
      .execute<Array<{ n: number }>>(
        `select count(*)::int as n from outbox_events where key like 'recharge-confirmed:%' and dispatched_at is null`,
      );
    expect(pending[0].n).toBe(0);
  });

  it('a request that loads entities gets one fork, shared by everything it does', async () => {
    const forks = await forksDuring(async () => {
      expect((await t.fetch('/v1/me', { headers: citizen.auth })).status).toBe(200);
    });
    expect(forks).toBe(1);
  });
});
