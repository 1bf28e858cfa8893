import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/test-app';
import { postJson, registerAdmin, registerCitizen, type SignedInCitizen } from '../support/factories';
import { isValidCardNumber } from '../../src/transport/card-number';
import { verifyLedger } from '../../src/transport/ledger-verification';
import { requestFingerprint } from '../../src/transport/idempotency';

interface Card {
  id: string;
  number?: string;
  maskedNumber: string;
  status: string;
  balanceCents: number;
  replacedByCardId: string | null;
}

interface Entry {
  id: string;
  type: string;
  amountCents: number;
  balanceAfterCents: number;
  description: string;
  counterpartCardId: string | null;
  createdAt: string;
}

interface Problem {
  type: string;
  status: number;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}

let t: TestApp;
/** The simulated recharge is an admin's tool (citizens pay by Pix): an admin funds the citizens' cards here. */
let admin: SignedInCitizen;
beforeAll(async () => {
  t = await startTestApp();
  admin = await registerAdmin(t);
});
afterAll(async () => {
  await t.close();
});

const get = (c: SignedInCitizen, path: string) => t.fetch(path, { headers: c.auth });

/** `null` sends no Idempotency-Key at all. */
function withKey(c: SignedInCitizen, key: string | null): Record<string, string> {
  return key === null ? c.auth : { ...c.auth, 'idempotency-key': key };
}

/** A simulated recharge by `c` (an admin, except where a test checks that citizens are refused). */
const recharge = (c: SignedInCitizen, cardId: string, amountCents: unknown, key: string | null = randomUUID()) =>
  postJson(t, `/v1/cards/${cardId}/recharges`, { amountCents }, withKey(c, key));

const debit = (c: SignedInCitizen, cardId: string, amountCents: unknown, key: string | null = randomUUID()) =>
  postJson(t, `/v1/cards/${cardId}/debits`, { amountCents }, withKey(c, key));

async function firstCardId(c: SignedInCitizen): Promise<string> {
  const page = (await (await get(c, '/v1/cards')).json()) as { items: Card[] };
  return page.items[0].id;
}

async function problem(res: Response, status: number, code: string): Promise<Problem> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const body = (await res.json()) as Problem;
  expect(body.type).toBe(`/problems/${code}`);
  return body;
}

async function ledgerCount(cardId: string): Promise<number> {
  const rows = await t.app.db.em.fork().execute('select count(*)::int as n from card_ledger where card_id = ?', [cardId]);
  return Number(rows[0].n);
}

describe('cards', () => {
  it('a new citizen has one active card with zero balance; lists mask the number, the card itself shows it', async () => {
    const c = await registerCitizen(t);
    const res = await get(c, '/v1/cards');
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: Card[]; nextCursor: string | null };
    expect(page.nextCursor).toBeNull();
    expect(page.items).toHaveLength(1);
    const [item] = page.items;
    expect(item).toMatchObject({ status: 'active', balanceCents: 0, replacedByCardId: null });
    expect(item.maskedNumber).toMatch(/^•••• \d{4}$/);
    expect(item).not.toHaveProperty('number');

    const card = (await (await get(c, `/v1/cards/${item.id}`)).json()) as Card;
    expect(isValidCardNumber(card.number!)).toBe(true);
    expect(card.maskedNumber).toBe(`•••• ${card.number!.slice(-4)}`);
  });

  it('issues more cards up to 3 that are not cancelled, then answers 409 card-limit', async () => {
    const c = await registerCitizen(t);
    for (let i = 0; i < 2; i++) {
      const res = await postJson(t, '/v1/cards', undefined, c.auth);
      expect(res.status).toBe(201);
      const card = (await res.json()) as Card;
      expect(res.headers.get('location')).toBe(`/v1/cards/${card.id}`);
      expect(card).toMatchObject({ status: 'active', balanceCents: 0 });
    }
    const fourth = await postJson(t, '/v1/cards', undefined, c.auth);
    const body = await problem(fourth, 409, 'card-limit');
    expect(body.detail).toMatch(/3 cartões/);
    const page = (await (await get(c, '/v1/cards?limit=2')).json()) as { items: Card[]; nextCursor: string };
    expect(page.items).toHaveLength(2);
    const rest = (await (await get(c, `/v1/cards?limit=2&cursor=${page.nextCursor}`)).json()) as { items: Card[] };
    expect(rest.items).toHaveLength(1);
  });
});

describe('recharges and debits', () => {
  it('recharges within R$ 1,00..R$ 500,00 and debits, each with its ledger entry and the balance after it', async () => {
    const c = await registerCitizen(t);
    const cardId = await firstCardId(c);
    const res = await recharge(admin, cardId, 2000);
    expect(res.status).toBe(201);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    const body = (await res.json()) as { transaction: Entry; balanceCents: number };
    expect(body.balanceCents).toBe(2000);
    expect(body.transaction).toMatchObject({
      type: 'recharge',
      amountCents: 2000,
      balanceAfterCents: 2000,
      description: 'Recarga',
    });

    const fare = await debit(c, cardId, 470);
    expect(fare.status).toBe(201);
    expect(((await fare.json()) as { balanceCents: number }).balanceCents).toBe(1530);
    const card = (await (await get(c, `/v1/cards/${cardId}`)).json()) as Card;
    expect(card.balanceCents).toBe(1530);
  });

  it('refuses amounts out of range with 422 field errors in pt-BR money, without touching the card', async () => {
    const c = await registerCitizen(t);
    const cardId = await firstCardId(c);
    for (const amount of [99, 50001]) {
      const body = await problem(await recharge(admin, cardId, amount), 422, 'validation-error');
      expect(body.errors).toEqual([{ field: 'amountCents', message: 'A recarga deve ser de R$ 1,00 a R$ 500,00.' }]);
    }
    for (const amount of [0, -5, 1.5, 'cem']) await problem(await debit(c, cardId, amount), 422, 'validation-error');
    expect(await ledgerCount(cardId)).toBe(0);
  });

  it('accepts only JSON integers as amountCents: strings, arrays and booleans are 422, never coerced (issue 15 §9)', async () => {
    const c = await registerCitizen(t);
    const cardId = await firstCardId(c);
    for (const amount of ['100', [100], '100.0', true, { value: 100 }, null]) {
      const body = await problem(await recharge(admin, cardId, amount), 422, 'validation-error');
      expect(body.errors?.[0].field).toBe('amountCents');
      await problem(await debit(c, cardId, amount), 422, 'validation-error');
    }
    expect(await ledgerCount(cardId)).toBe(0);
    // A JSON number with an integer value is an integer, however it is written.
    expect(
      (
        await t.fetch(`/v1/cards/${cardId}/recharges`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...withKey(admin, randomUUID()) },
          body: '{"amountCents": 100.0}',
        })
      ).status,
    ).toBe(201);
  });

  it('caps the balance at R$ 1.000,00 (422 balance-limit)', async () => {
    const c = await registerCitizen(t);
    const cardId = await firstCardId(c);
    expect((await recharge(admin, cardId, 50000)).status).toBe(201);
    expect((await recharge(admin, cardId, 49900)).status).toBe(201);
    const body = await problem(await recharge(admin, cardId, 200), 422, 'balance-limit');
    expect(body.detail).toContain('R$ 1.000,00');
    expect(body.detail).toContain('R$ 999,00');
    expect((await recharge(admin, cardId, 100)).status).toBe(201);
  });

  it('answers 422 insufficient-funds when the balance does not cover the fare', async () => {
    const c = await registerCitizen(t);
    const cardId = await firstCardId(c);
    await recharge(admin, cardId, 300);
    const body = await problem(await debit(c, cardId, 470), 422, 'insufficient-funds');
    expect(body.detail).toContain('R$ 3,00');
    expect(body.detail).toContain('R$ 4,70');
    expect(await ledgerCount(cardId)).toBe(1);
  });
});

describe('idempotency', () => {
  it('requires an Idempotency-Key on recharges and debits (400), and refuses malformed ones', async () => {
    const c = await registerCitizen(t);
    const cardId = await firstCardId(c);
    await problem(await recharge(admin, cardId, 500, null), 400, 'idempotency-key-required');
    await problem(await debit(c, cardId, 100, null), 400, 'idempotency-key-required');
    await problem(await recharge(admin, cardId, 500, 'x'.repeat(256)), 400, 'idempotency-key-required');
    await problem(await recharge(admin, cardId, 500, 'chave\tcom-tab'), 400, 'idempotency-key-required');
    expect(await ledgerCount(cardId)).toBe(0);
  });

  it('replays the first response exactly, with Idempotent-Replayed: true, and has one effect', async () => {
    const c = await registerCitizen(t);
    const cardId = await firstCardId(c);
    const key = randomUUID();
    const first = await recharge(admin, cardId, 1000, key);
    expect(first.status).toBe(201);
    const firstBody = await first.text();
    const again = await recharge(admin, cardId, 1000, key);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.text()).toBe(firstBody);
    // The sf-string form of the same key ("...") is the same key.
    const quoted = await recharge(admin, cardId, 1000, `"${key}"`);
    expect(quoted.status).toBe(201);
    expect(await quoted.text()).toBe(firstBody);
    expect(await ledgerCount(cardId)).toBe(1);
    const card = (await (await get(c, `/v1/cards/${cardId}`)).json()) as Card;
    expect(card.balanceCents).toBe(1000);
  });

  it('answers 422 when the key is reused with a different body or another card, and scopes keys to citizen + route', async () => {
    const c = await registerCitizen(t);
    const cardId = await firstCardId(c);
    const other = (await (await postJson(t, '/v1/cards', undefined, c.auth)).json()) as Card;
    const key = randomUUID();
    expect((await recharge(admin, cardId, 1000, key)).status).toBe(201);
    await problem(await recharge(admin, cardId, 2000, key), 422, 'idempotency-key-reused');
    await problem(await recharge(admin, other.id, 1000, key), 422, 'idempotency-key-reused');
    // Same key on another route, or by another caller, is another key.
    expect((await debit(c, cardId, 100, key)).status).toBe(201);
    const otherAdmin = await registerAdmin(t);
    expect((await recharge(otherAdmin, other.id, 1000, key)).status).toBe(201);
    expect(await ledgerCount(cardId)).toBe(2);
    expect(await ledgerCount(other.id)).toBe(1);
  });

  it('a request rejected by validation does not use up the key', async () => {
    const c = await registerCitizen(t);
    const cardId = await firstCardId(c);
    const key = randomUUID();
    // tsoa's schema validation (wrong type, unknown property), then the domain's range check.
    await problem(await recharge(admin, cardId, 'dez', key), 422, 'validation-error');
    await problem(
      await postJson(t, `/v1/cards/${cardId}/recharges`, { amountCents: 500, extra: 1 }, withKey(admin, key)),
      422,
      'validation-error',
    );
    await problem(await recharge(admin, cardId, 10, key), 422, 'validation-error');
    const ok = await recharge(admin, cardId, 500, key);
    expect(ok.status).toBe(201);
    expect(ok.headers.get('idempotent-replayed')).toBeNull();
  });

  it('stores a refusal about the card state and replays it, but a 404 does not use up the key', async () => {
    const c = await registerCitizen(t);
    const cardId = await firstCardId(c);
    const key = randomUUID();
    const first = await debit(c, cardId, 470, key);
    const firstBody = await problem(first, 422, 'insufficient-funds');
    await recharge(admin, cardId, 1000);
    const replay = await debit(c, cardId, 470, key);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const replayBody = await problem(replay, 422, 'insufficient-funds');
    expect(replayBody.detail).toBe(firstBody.detail);

    const missing = randomUUID();
    const notFoundKey = randomUUID();
    await problem(await debit(c, missing, 100, notFoundKey), 404, 'not-found');
    const rows = await t.app.db.em.fork().execute('select count(*)::int as n from idempotency_keys where key = ?', [notFoundKey]);
    expect(rows[0].n).toBe(0);
  });

  it('answers 409 while the first request with the key is in flight, and lets a retry take over an expired claim', async () => {
    const c = await registerCitizen(t);
    const cardId = await firstCardId(c);
    const key = randomUUID();
    const em = t.app.db.em.fork();
    // A claim exactly as a request that is still running (or whose process died) leaves it.
    await em.execute(
      `insert into idempotency_keys (id, user_id, route, key, fingerprint, state, claim_token, locked_until)
       values (?, ?, 'card.recharge', ?, ?, 'in_flight', ?, now() + interval '1 minute')`,
      [randomUUID(), admin.id, key, requestFingerprint({ cardId, amountCents: 700 }), randomUUID()],
    );
    await problem(await recharge(admin, cardId, 700, key), 409, 'idempotency-key-in-flight');
    expect(await ledgerCount(cardId)).toBe(0);

    await em.execute(`update idempotency_keys set locked_until = now() - interval '1 second' where key = ?`, [key]);
    const taken = await recharge(admin, cardId, 700, key);
    expect(taken.status).toBe(201);
    expect(taken.headers.get('idempotent-replayed')).toBeNull();
    expect((await recharge(admin, cardId, 700, key)).headers.get('idempotent-replayed')).toBe('true');
    expect(await ledgerCount(cardId)).toBe(1);
  });

  it('keeps keys for the TTL (24 h) and purges older ones', async () => {
    const c = await registerCitizen(t);
    const cardId = await firstCardId(c);
    const oldKey = randomUUID();
    const recentKey = randomUUID();
    await recharge(admin, cardId, 100, oldKey);
    await recharge(admin, cardId, 100, recentKey);
    const em = t.app.db.em.fork();
    await em.execute(`update idempotency_keys set created_at = now() - interval '25 hours' where key = ?`, [oldKey]);
    await em.execute(`update idempotency_keys set created_at = now() - interval '23 hours' where key = ?`, [recentKey]);
    expect(await t.app.services.idempotency.purgeExpired(t.app.clock.now())).toBeGreaterThanOrEqual(1);
    const left = await em.execute<{ key: string }[]>('select key from idempotency_keys where key in (?, ?)', [oldKey, recentKey]);
    expect(left.map((r) => r.key)).toEqual([recentKey]);
  });
});

describe('history', () => {
  it('lists entries newest first with balanceAfterCents, keyset-paginated, filtered by type and date range', async () => {
    const c = await registerCitizen(t);
    const cardId = await firstCardId(c);
    const operations: Array<['r' | 'd', number]> = [
      ['r', 1000],
      ['d', 470],
      ['r', 200],
      ['d', 470],
      ['d', 100],
    ];
    for (const [kind, amount] of operations) {
      expect((await (kind === 'r' ? recharge(admin, cardId, amount) : debit(c, cardId, amount))).status).toBe(201);
    }
    const all = (await (await get(c, `/v1/cards/${cardId}/transactions`)).json()) as { items: Entry[]; nextCursor: null };
    expect(all.nextCursor).toBeNull();
    expect(all.items.map((e) => [e.type, e.amountCents, e.balanceAfterCents])).toEqual([
      ['debit', 100, 160],
      ['debit', 470, 260],
      ['recharge', 200, 730],
      ['debit', 470, 530],
      ['recharge', 1000, 1000],
    ]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await (await get(c, `/v1/cards/${cardId}/transactions?${query}`)).json()) as {
        items: Entry[];
        nextCursor: string | null;
      };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((e) => e.id));

    const debits = (await (await get(c, `/v1/cards/${cardId}/transactions?type=debit`)).json()) as { items: Entry[] };
    expect(debits.items.map((e) => e.amountCents)).toEqual([100, 470, 470]);

    const today = new Date(Date.now() - 3 * 3600_000).toISOString().slice(0, 10); // Rio's calendar day
    const yesterday = new Date(Date.now() - 27 * 3600_000).toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 21 * 3600_000).toISOString().slice(0, 10);
    const count = async (query: string) =>
      ((await (await get(c, `/v1/cards/${cardId}/transactions?${query}`)).json()) as { items: Entry[] }).items.length;
    expect(await count(`from=${today}&to=${today}`)).toBe(5);
    expect(await count(`to=${yesterday}`)).toBe(0);
    expect(await count(`from=${tomorrow}`)).toBe(0);
    const middle = all.items[2].createdAt;
    expect(await count(`to=${encodeURIComponent(middle)}`)).toBeGreaterThanOrEqual(3);
    expect(await count(`from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toBe(0);
  });

  it('refuses malformed filters with 422', async () => {
    const c = await registerCitizen(t);
    const cardId = await firstCardId(c);
    await problem(await get(c, `/v1/cards/${cardId}/transactions?type=refund`), 422, 'validation-error');
    const dates = await problem(
      await get(c, `/v1/cards/${cardId}/transactions?from=2026-02-30&to=ontem`),
      422,
      'validation-error',
    );
    expect(dates.errors!.map((e) => e.field).sort()).toEqual(['from', 'to']);
    await problem(await get(c, `/v1/cards/${cardId}/transactions?from=2026-03-02&to=2026-03-01`), 422, 'validation-error');
    await problem(await get(c, `/v1/cards/${cardId}/transactions?limit=101`), 422, 'validation-error');
  });
});

describe('block and replacement', () => {
  it('blocks with a reason: protocol number, audit entry, and the card refuses recharges and debits', async () => {
    const c = await registerCitizen(t);
    const cardId = await firstCardId(c);
    await recharge(admin, cardId, 1500);
    const res = await postJson(t, `/v1/cards/${cardId}/block`, { reason: 'lost' }, c.auth);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { card: Card; protocol: string };
    expect(body.card).toMatchObject({ id: cardId, status: 'blocked', balanceCents: 1500 });
    expect(body.protocol).toMatch(new RegExp(`^${new Date().getUTCFullYear()}-\\d{6,}$|^\\d{4}-\\d{6,}$`));

    const audit = await t.app.db.em
      .fork()
      .execute(`select actor_id, details from audit_events where event = 'card_blocked' and subject_id = ?`, [cardId]);
    expect(audit).toHaveLength(1);
    expect(audit[0].actor_id).toBe(c.id);
    expect(audit[0].details).toMatchObject({ reason: 'lost', protocol: body.protocol });

    const refusedRecharge = await problem(await recharge(admin, cardId, 500), 409, 'card-not-active');
    expect(refusedRecharge.detail).toMatch(/bloqueado/);
    await problem(await debit(c, cardId, 100), 409, 'card-not-active');
    await problem(await postJson(t, `/v1/cards/${cardId}/block`, { reason: 'stolen' }, c.auth), 409, 'card-not-active');
    await problem(await postJson(t, `/v1/cards/${cardId}/block`, { reason: 'forgot' }, c.auth), 422, 'validation-error');
  });

  it('gives every block its own protocol, and a block repeated with its idempotency key answers the same protocol', async () => {
    const c = await registerCitizen(t);
    const first = await firstCardId(c);
    const second = ((await (await postJson(t, '/v1/cards', undefined, c.auth)).json()) as Card).id;
    const key = randomUUID();
    const a = await postJson(t, `/v1/cards/${first}/block`, { reason: 'damaged' }, withKey(c, key));
    const protocolA = ((await a.json()) as { protocol: string }).protocol;
    const replay = await postJson(t, `/v1/cards/${first}/block`, { reason: 'damaged' }, withKey(c, key));
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(((await replay.json()) as { protocol: string }).protocol).toBe(protocolA);
    const b = await postJson(t, `/v1/cards/${second}/block`, { reason: 'other' }, c.auth);
    expect(((await b.json()) as { protocol: string }).protocol).not.toBe(protocolA);
  });

  it('replaces only a blocked card: the new card gets the balance, the old is cancelled at zero, both ledgers agree', async () => {
    const c = await registerCitizen(t);
    const oldId = await firstCardId(c);
    await recharge(admin, oldId, 2345);
    await debit(c, oldId, 470);
    await problem(await postJson(t, `/v1/cards/${oldId}/replacement`, undefined, c.auth), 409, 'card-not-blocked');
    await postJson(t, `/v1/cards/${oldId}/block`, { reason: 'stolen' }, c.auth);

    const res = await postJson(t, `/v1/cards/${oldId}/replacement`, undefined, c.auth);
    expect(res.status).toBe(201);
    const fresh = (await res.json()) as Card;
    expect(res.headers.get('location')).toBe(`/v1/cards/${fresh.id}`);
    expect(fresh).toMatchObject({ status: 'active', balanceCents: 1875 });
    expect(isValidCardNumber(fresh.number!)).toBe(true);

    const old = (await (await get(c, `/v1/cards/${oldId}`)).json()) as Card;
    expect(old).toMatchObject({ status: 'cancelled', balanceCents: 0, replacedByCardId: fresh.id });
    const outgoing = (await (await get(c, `/v1/cards/${oldId}/transactions`)).json()) as { items: Entry[] };
    expect(outgoing.items[0]).toMatchObject({
      type: 'transfer_out',
      amountCents: 1875,
      balanceAfterCents: 0,
      counterpartCardId: fresh.id,
    });
    const incoming = (await (await get(c, `/v1/cards/${fresh.id}/transactions`)).json()) as { items: Entry[] };
    expect(incoming.items).toHaveLength(1);
    expect(incoming.items[0]).toMatchObject({
      type: 'transfer_in',
      amountCents: 1875,
      balanceAfterCents: 1875,
      counterpartCardId: oldId,
    });

    await problem(await postJson(t, `/v1/cards/${oldId}/replacement`, undefined, c.auth), 409, 'card-already-replaced');
    await problem(await recharge(admin, oldId, 500), 409, 'card-not-active');
    expect((await debit(c, fresh.id, 470)).status).toBe(201);
    const audit = await t.app.db.em
      .fork()
      .execute(`select details from audit_events where event = 'card_replaced' and subject_id = ?`, [oldId]);
    expect(audit[0].details).toMatchObject({ newCardId: fresh.id, movedCents: 1875 });
  });

  it('replaces a blocked card with zero balance without ledger entries, and a citizen at the card limit can still replace', async () => {
    const c = await registerCitizen(t);
    const oldId = await firstCardId(c);
    await postJson(t, '/v1/cards', undefined, c.auth);
    await postJson(t, '/v1/cards', undefined, c.auth);
    await postJson(t, `/v1/cards/${oldId}/block`, { reason: 'damaged' }, c.auth);
    const res = await postJson(t, `/v1/cards/${oldId}/replacement`, undefined, c.auth);
    expect(res.status).toBe(201);
    const fresh = (await res.json()) as Card;
    expect(fresh.balanceCents).toBe(0);
    expect(await ledgerCount(oldId)).toBe(0);
    expect(await ledgerCount(fresh.id)).toBe(0);
  });
});

describe('authorization', () => {
  it("answers 404 on every card route for another citizen's card, and changes nothing", async () => {
    const owner = await registerCitizen(t);
    const intruder = await registerCitizen(t);
    const cardId = await firstCardId(owner);
    await recharge(admin, cardId, 1000);
    const attempts: Array<Promise<Response>> = [
      get(intruder, `/v1/cards/${cardId}`),
      get(intruder, `/v1/cards/${cardId}/transactions`),
      debit(intruder, cardId, 100),
      postJson(t, `/v1/cards/${cardId}/block`, { reason: 'stolen' }, intruder.auth),
      postJson(t, `/v1/cards/${cardId}/block`, { reason: 'stolen' }, withKey(intruder, randomUUID())),
      postJson(t, `/v1/cards/${cardId}/replacement`, undefined, intruder.auth),
    ];
    for (const attempt of attempts) await problem(await attempt, 404, 'not-found');
    // The simulated recharge is for admins: a citizen is refused on any card, their own included.
    await problem(await recharge(intruder, cardId, 500), 403, 'forbidden');
    await problem(await recharge(owner, cardId, 500), 403, 'forbidden');
    const list = (await (await get(intruder, '/v1/cards')).json()) as { items: Card[] };
    expect(list.items.map((card) => card.id)).not.toContain(cardId);
    const card = (await (await get(owner, `/v1/cards/${cardId}`)).json()) as Card;
    expect(card).toMatchObject({ status: 'active', balanceCents: 1000 });
    expect(await ledgerCount(cardId)).toBe(1);
    // Ids that are not UUIDs are just as unknown.
    await problem(await get(owner, '/v1/cards/123'), 404, 'not-found');
    await problem(await recharge(admin, 'nao-e-um-id', 500), 404, 'not-found');
  });

  it('answers 404 to the simulated recharge where it is off (the production default), even for an admin', async () => {
    const off = await startTestApp({ env: { SIMULATED_RECHARGES: 'off' } });
    try {
      const offAdmin = await registerAdmin(off);
      const cardId = ((await (await off.fetch('/v1/cards', { headers: offAdmin.auth })).json()) as { items: Card[] }).items[0].id;
      const res = await postJson(off, `/v1/cards/${cardId}/recharges`, { amountCents: 500 }, withKey(offAdmin, randomUUID()));
      const body = await problem(res, 404, 'not-found');
      expect(body.detail).toMatch(/recarga simulada está desligada.*Pix/);
      const card = (await (await off.fetch(`/v1/cards/${cardId}`, { headers: offAdmin.auth })).json()) as Card;
      expect(card.balanceCents).toBe(0);
    } finally {
      await off.close();
    }
  });

  it('requires authentication', async () => {
    expect((await t.fetch('/v1/cards')).status).toBe(401);
  });
});

describe('ledger', () => {
  it('is append-only: the database refuses UPDATE and DELETE of entries', async () => {
    const c = await registerCitizen(t);
    const cardId = await firstCardId(c);
    await recharge(admin, cardId, 1000);
    const em = t.app.db.em.fork();
    await expect(em.execute('update card_ledger set amount_cents = 1 where card_id = ?', [cardId])).rejects.toThrow(
      /append-only/,
    );
    await expect(em.execute('delete from card_ledger where card_id = ?', [cardId])).rejects.toThrow(/append-only/);
    expect(await ledgerCount(cardId)).toBe(1);
  });

  it('goes into the data export: every card with its full history', async () => {
    const c = await registerCitizen(t);
    const cardId = await firstCardId(c);
    await recharge(admin, cardId, 1000);
    await debit(c, cardId, 470);
    const data = (await (await get(c, '/v1/me/export')).json()) as { cards: Array<Card & { transactions: Entry[] }> };
    expect(data.cards).toHaveLength(1);
    expect(data.cards[0].number).toMatch(/^\d{16}$/);
    expect(data.cards[0].transactions.map((e) => [e.type, e.balanceAfterCents])).toEqual([
      ['recharge', 1000],
      ['debit', 530],
    ]);
  });

  it('erasing the account removes the stored idempotent responses but keeps the ledger', async () => {
    const c = await registerCitizen(t);
    const cardId = await firstCardId(c);
    await recharge(admin, cardId, 1000);
    const res = await t.fetch('/v1/me', { method: 'DELETE', headers: c.auth });
    expect(res.status).toBe(204);
    const keys = await t.app.db.em.fork().execute('select count(*)::int as n from idempotency_keys where user_id = ?', [c.id]);
    expect(keys[0].n).toBe(0);
    expect(await ledgerCount(cardId)).toBe(1);
  });

  // Last in the file: it leaves the database inconsistent on purpose.
  it('verification finds no violation after all of the above, and catches a tampered balance and a forged entry', async () => {
    const em = t.app.db.em.fork();
    const clean = await verifyLedger(em);
    expect(clean.violations).toEqual([]);
    expect(clean.entriesChecked).toBeGreaterThan(20);

    const c = await registerCitizen(t);
    const cardId = await firstCardId(c);
    await recharge(admin, cardId, 1000);
    await em.execute('update transport_cards set balance_cents = balance_cents + 1 where id = ?', [cardId]);
    const tampered = await verifyLedger(em);
    expect(tampered.violations).toEqual([expect.objectContaining({ cardId, rule: 'balance-mismatch' })]);

    const second = await registerCitizen(t);
    const forgedCard = await firstCardId(second);
    await em.execute(
      `insert into card_ledger (id, card_id, seq, type, amount_cents, balance_after_cents, description)
       values (?, ?, 1, 'recharge', 500, 700, 'forjado')`,
      [randomUUID(), forgedCard],
    );
    const forged = await verifyLedger(em);
    const rules = forged.violations.filter((v) => v.cardId === forgedCard).map((v) => v.rule);
    expect(rules).toEqual(expect.arrayContaining(['balance-mismatch', 'chain-broken', 'sequence-count']));
  });
});
