import { randomUUID } from 'node:crypto';
import { RequestContext } from '@mikro-orm/core';
import { TestClock } from '../../src/shared/clock';
import { addDays, todayInRio } from '../../src/documents/expiry';
import type { DomainEventOf, DomainEventType } from '../../src/shared/domain-events';
import { NOTICE_JOBS } from '../../src/notices/notice-jobs';
import {
  createDocument,
  firstCardId,
  postJson,
  registerAdmin,
  registerCitizen,
  type SignedInCitizen,
} from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The notices a citizen chooses (issue 18): GET/PATCH /v1/me/notifications, the low-balance alert decided by the debit
 * (one per crossing), the expiry-reminder job triggered directly (no cron waiting) on a TestClock, and the LGPD export
 * and erasure of preferences, reminder records and job payloads. Both notices are events of the transactional outbox,
 * written with the change that causes them: they are read here from `outbox_events`.
 */

// The real time, held still: access tokens are checked against it too. Rio's date of it is the reminders' "today".
const START = new Date();
const clock = new TestClock(START);
const TODAY = todayInRio(START);
let t: TestApp;
/** Credits cards: the simulated recharge is an admin's tool (citizens pay by Pix). */
let admin: SignedInCitizen;

beforeAll(async () => {
  t = await startTestApp({ clock });
  admin = await registerAdmin(t);
});
afterAll(async () => {
  await t.close();
});

function send(method: string, path: string, auth: Record<string, string>, body?: unknown) {
  return t.fetch(path, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function sql<R>(statement: string, params: unknown[] = []): Promise<R[]> {
  return t.app.db.em.fork().execute<R[]>(statement, params);
}

/** The citizen's events of `type` in the outbox, oldest first: written in the transaction of the change, so there by
 * the time its answer is. */
async function eventsOf<T extends DomainEventType>(type: T, userId: string): Promise<Array<DomainEventOf<T>>> {
  const rows = await sql<{ payload: unknown }>('select payload from outbox_events where type = ? and user_id = ? order by id', [
    type,
    userId,
  ]);
  return rows.map(({ payload }) => (typeof payload === 'string' ? JSON.parse(payload) : payload) as DomainEventOf<T>);
}

/** How many outbox events carry `key`. */
async function eventsKeyed(key: string): Promise<number> {
  return (await sql<{ n: number }>('select count(*)::int as n from outbox_events where key = ?', [key]))[0].n;
}

async function runExpiryReminders(): Promise<unknown> {
  const runner = t.app.services.jobRunner;
  const job = await runner.waitFor(NOTICE_JOBS.expiryReminders, await runner.send(NOTICE_JOBS.expiryReminders));
  expect(job.state).toBe('completed');
  return job.output;
}

describe('GET/PATCH /v1/me/notifications', () => {
  it('starts with expiry reminders on and no low-balance alert, and changes only the fields sent', async () => {
    const citizen = await registerCitizen(t);
    const initial = await send('GET', '/v1/me/notifications', citizen.auth);
    expect(initial.status).toBe(200);
    expect(await initial.json()).toEqual({ expiryReminders: true, lowBalanceThresholdCents: null });

    const set = await send('PATCH', '/v1/me/notifications', citizen.auth, { lowBalanceThresholdCents: 500 });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ expiryReminders: true, lowBalanceThresholdCents: 500 });
    const off = await send('PATCH', '/v1/me/notifications', citizen.auth, { expiryReminders: false });
    expect(await off.json()).toEqual({ expiryReminders: false, lowBalanceThresholdCents: 500 });
    const none = await send('PATCH', '/v1/me/notifications', citizen.auth, { lowBalanceThresholdCents: null });
    expect(await none.json()).toEqual({ expiryReminders: false, lowBalanceThresholdCents: null });
    expect(await (await send('GET', '/v1/me/notifications', citizen.auth)).json()).toEqual({
      expiryReminders: false,
      lowBalanceThresholdCents: null,
    });
  });

  it('refuses invalid values with a pt-BR 422 problem and changes nothing', async () => {
    const citizen = await registerCitizen(t);
    for (const body of [
      { lowBalanceThresholdCents: 0 },
      { lowBalanceThresholdCents: 1.5 },
      { lowBalanceThresholdCents: 100_001 },
      { lowBalanceThresholdCents: '500' },
      { expiryReminders: 'sim' },
    ]) {
      const res = await send('PATCH', '/v1/me/notifications', citizen.auth, body);
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const problem = (await res.json()) as { errors: Array<{ field: string; message: string }> };
      expect(problem.errors[0].field).toBe(Object.keys(body)[0]);
      expect(problem.errors[0].message).toMatch(/[a-zà-ú]/);
      expect(problem.errors[0].message).not.toMatch(/\b(must|should|invalid)\b/i);
    }
    const extra = await send('PATCH', '/v1/me/notifications', citizen.auth, { email: 'x@example.com' });
    expect(extra.status).toBe(422);
    expect(await (await send('GET', '/v1/me/notifications', citizen.auth)).json()).toEqual({
      expiryReminders: true,
      lowBalanceThresholdCents: null,
    });
  });

  it('needs a signed-in citizen', async () => {
    expect((await t.fetch('/v1/me/notifications')).status).toBe(401);
  });
});

describe('low-balance alert', () => {
  async function citizenWithThreshold(thresholdCents: number | null): Promise<{ citizen: SignedInCitizen; cardId: string }> {
    const citizen = await registerCitizen(t);
    const cardId = await firstCardId(t, citizen);
    if (thresholdCents !== null) {
      const res = await send('PATCH', '/v1/me/notifications', citizen.auth, { lowBalanceThresholdCents: thresholdCents });
      expect(res.status).toBe(200);
    }
    return { citizen, cardId };
  }

  const change = async (
    citizen: SignedInCitizen,
    cardId: string,
    kind: 'recharges' | 'debits',
    amountCents: number,
    key = randomUUID(),
  ) => {
    const by = kind === 'recharges' ? admin : citizen;
    const res = await postJson(t, `/v1/cards/${cardId}/${kind}`, { amountCents }, { ...by.auth, 'idempotency-key': key });
    expect(res.status).toBe(201);
    return (await res.json()) as { balanceCents: number; transaction: { id: string } };
  };
  const move = async (...args: Parameters<typeof change>) => (await change(...args)).balanceCents;

  it('alerts once when a debit crosses the threshold, not on each debit below it; a recharge above re-arms it', async () => {
    const { citizen, cardId } = await citizenWithThreshold(500);
    await move(citizen, cardId, 'recharges', 1000);
    await move(citizen, cardId, 'debits', 300); // 700: still above
    expect(await eventsOf('low-balance', citizen.id)).toEqual([]);
    const crossingKey = randomUUID();
    const crossing = await change(citizen, cardId, 'debits', 300, crossingKey);
    expect(crossing.balanceCents).toBe(400);
    const maskedNumber = (await (await send('GET', `/v1/cards/${cardId}`, citizen.auth)).json()) as { maskedNumber: string };
    expect(await eventsOf('low-balance', citizen.id)).toEqual([
      {
        type: 'low-balance',
        userId: citizen.id,
        cardId,
        maskedNumber: maskedNumber.maskedNumber,
        balanceCents: 400,
        thresholdCents: 500,
      },
    ]);
    // Written by the debit's own statement, keyed by its ledger entry: exactly one event for the crossing debit.
    expect(await eventsKeyed(`low-balance:${crossing.transaction.id}`)).toBe(1);
    await move(citizen, cardId, 'debits', 100); // 300: below already, no new crossing
    // A replay of the crossing debit is the same debit: no second alert.
    const replay = await postJson(
      t,
      `/v1/cards/${cardId}/debits`,
      { amountCents: 300 },
      { ...citizen.auth, 'idempotency-key': crossingKey },
    );
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(((await replay.json()) as { transaction: { id: string } }).transaction.id).toBe(crossing.transaction.id);
    expect(await eventsOf('low-balance', citizen.id)).toHaveLength(1);
    expect(await eventsKeyed(`low-balance:${crossing.transaction.id}`)).toBe(1);

    await move(citizen, cardId, 'recharges', 100); // 400: still below, not re-armed
    await move(citizen, cardId, 'debits', 100);
    expect(await eventsOf('low-balance', citizen.id)).toHaveLength(1);
    await move(citizen, cardId, 'recharges', 500); // 800: re-armed
    await move(citizen, cardId, 'debits', 300); // 500: at the threshold is not below
    expect(await eventsOf('low-balance', citizen.id)).toHaveLength(1);
    await move(citizen, cardId, 'debits', 1); // 499: crossed again
    expect((await eventsOf('low-balance', citizen.id)).map((e) => e.balanceCents)).toEqual([400, 499]);
  });

  it('a citizen with no threshold, or who turned it off, gets no alert', async () => {
    const never = await citizenWithThreshold(null);
    await move(never.citizen, never.cardId, 'recharges', 1000);
    await move(never.citizen, never.cardId, 'debits', 999);
    const off = await citizenWithThreshold(500);
    await send('PATCH', '/v1/me/notifications', off.citizen.auth, { lowBalanceThresholdCents: null });
    await move(off.citizen, off.cardId, 'recharges', 1000);
    await move(off.citizen, off.cardId, 'debits', 999);
    expect([...(await eventsOf('low-balance', never.citizen.id)), ...(await eventsOf('low-balance', off.citizen.id))]).toEqual(
      [],
    );
  });
});

describe('document expiry reminders', () => {
  it('reminds 30, 7 and 1 days before, once per document and offset, and catches up a document saved late', async () => {
    const citizen = await registerCitizen(t);
    const quiet = await registerCitizen(t);
    await send('PATCH', '/v1/me/notifications', quiet.auth, { expiryReminders: false });
    const doc = async (who: SignedInCitizen, days: number) =>
      (await createDocument(t, who, { type: 'passaporte', expiresAt: addDays(TODAY, days) })).id;
    const in30 = await doc(citizen, 30);
    const in7 = await doc(citizen, 7);
    const in1 = await doc(citizen, 1);
    const in5 = await doc(citizen, 5);
    await doc(citizen, 31);
    await doc(citizen, -1);
    await doc(quiet, 7);

    await runExpiryReminders();
    const sent = (await eventsOf('document-expiring', citizen.id))
      .map((e) => [e.documentId, e.daysBefore, e.expiresOn, e.documentType])
      .sort((a, b) => Number(b[1]) - Number(a[1]) || String(a[2]).localeCompare(String(b[2])));
    expect(sent).toEqual([
      [in30, 30, addDays(TODAY, 30), 'Passaporte'],
      [in5, 7, addDays(TODAY, 5), 'Passaporte'],
      [in7, 7, addDays(TODAY, 7), 'Passaporte'],
      [in1, 1, addDays(TODAY, 1), 'Passaporte'],
    ]);
    expect(await eventsOf('document-expiring', quiet.id)).toEqual([]);
    // One event per reminder, keyed by document and offset.
    for (const [documentId, daysBefore] of sent)
      expect(await eventsKeyed(`document-expiring:${documentId}:${daysBefore}`)).toBe(1);

    // The same day again: nothing new.
    expect(await runExpiryReminders()).toEqual({ sent: 0 });
    expect(await eventsOf('document-expiring', citizen.id)).toHaveLength(4);

    // 23 days later the 30-day document is 7 days away: its 7-day reminder, once.
    clock.set(new Date(START.getTime() + 23 * 86_400_000));
    try {
      await runExpiryReminders();
      await runExpiryReminders();
      expect(
        (await eventsOf('document-expiring', citizen.id)).filter((e) => e.documentId === in30).map((e) => e.daysBefore),
      ).toEqual([30, 7]);
    } finally {
      clock.set(START);
    }
  });
});

describe('document expiry reminders through the outbox', () => {
  const runDirectly = () => RequestContext.create(t.app.db.em, () => t.app.services.notices.sendExpiryReminders());

  it("writes each reminder's event in the reminder's transaction: none when it rolls back, then exactly one", async () => {
    const citizen = await registerCitizen(t);
    const in7 = (await createDocument(t, citizen, { expiresAt: addDays(TODAY, 7) })).id;
    const in30 = (await createDocument(t, citizen, { expiresAt: addDays(TODAY, 30) })).id;
    const ids = [in7, in30].sort();
    // The database refuses the outbox write of the reminder recorded last (the run records in document order), after
    // the first reminder and its event were written: the run's transaction rolls back as a whole.
    await sql(`create function refuse_outbox_write() returns trigger language plpgsql as $$
                 begin raise exception 'outbox write refused'; end $$`);
    await sql(`create trigger refuse_outbox_write before insert on outbox_events for each row
                 when (new.key like 'document-expiring:${ids[1]}:%') execute function refuse_outbox_write()`);
    try {
      await expect(runDirectly()).rejects.toThrow(/outbox write refused/);
    } finally {
      await sql('drop trigger refuse_outbox_write on outbox_events');
      await sql('drop function refuse_outbox_write()');
    }
    expect(await eventsOf('document-expiring', citizen.id)).toEqual([]);
    const recorded = async () =>
      (await sql<{ n: number }>('select count(*)::int as n from document_expiry_reminders where user_id = ?', [citizen.id]))[0].n;
    expect(await recorded()).toBe(0);

    // The next run records both reminders, each with exactly one event; a run after it writes nothing new.
    expect(await runDirectly()).toBeGreaterThanOrEqual(2);
    expect(await runDirectly()).toBe(0);
    expect(await recorded()).toBe(2);
    const keys = (await eventsOf('document-expiring', citizen.id)).map((e) => `${e.documentId}:${e.daysBefore}`);
    expect(keys.sort()).toEqual([`${in7}:7`, `${in30}:30`].sort());
    for (const key of keys) expect(await eventsKeyed(`document-expiring:${key}`)).toBe(1);
  });
});

describe('LGPD', () => {
  it('the export holds the preferences, the reminders sent and the jobs naming the citizen; erasure removes them', async () => {
    const citizen = await registerCitizen(t);
    await send('PATCH', '/v1/me/notifications', citizen.auth, { lowBalanceThresholdCents: 700 });
    const documentId = (await createDocument(t, citizen, { expiresAt: addDays(TODAY, 7) })).id;
    await runExpiryReminders();
    // A job whose data names the citizen (the expiry run ignores its data).
    const runner = t.app.services.jobRunner;
    await runner.waitFor(NOTICE_JOBS.expiryReminders, await runner.send(NOTICE_JOBS.expiryReminders, { userId: citizen.id }));

    const exported = (await (await send('GET', '/v1/me/export', citizen.auth)).json()) as {
      notices: { preferences: unknown; expiryReminders: unknown[]; jobs: Array<{ queue: string; data: unknown }> };
    };
    expect(exported.notices.preferences).toEqual({ expiryReminders: true, lowBalanceThresholdCents: 700 });
    expect(exported.notices.expiryReminders).toEqual([
      { documentId, daysBefore: 7, expiresOn: addDays(TODAY, 7), sentAt: clock.now().toISOString() },
    ]);
    expect(exported.notices.jobs).toEqual([
      expect.objectContaining({ queue: NOTICE_JOBS.expiryReminders, data: { userId: citizen.id } }),
    ]);

    expect((await send('DELETE', '/v1/me', citizen.auth)).status).toBe(204);
    const em = t.app.db.em.fork();
    const count = async (sql: string) => Number((await em.execute<Array<{ n: number }>>(sql, [citizen.id]))[0].n);
    expect(await count('select count(*)::int as n from notification_preferences where user_id = ?')).toBe(0);
    expect(await count('select count(*)::int as n from document_expiry_reminders where user_id = ?')).toBe(0);
    expect(await count(`select count(*)::int as n from pgboss.job where data->>'userId' = ?`)).toBe(0);
    expect(await count('select count(*)::int as n from outbox_events where user_id = ?')).toBe(0);
  });
});
