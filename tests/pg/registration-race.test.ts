import { requirePostgres } from '../support/require-postgres';
import { startTestApp, type TestApp } from '../support/test-app';
import { buildCitizen, postJson } from '../support/factories';

requirePostgres();

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { DB_POOL_MAX: '20' } });
});
afterAll(async () => {
  await t.close();
});

describe('registration uniqueness is decided by the database', () => {
  it('of 20 concurrent identical registrations exactly one gets 201, the rest 409, and one user and one card exist', async () => {
    const input = buildCitizen();
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () => postJson(t, '/v1/auth/register', input).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const users = await t.app.db.em.fork().execute('select id from users where cpf = ?', [input.cpf]);
    expect(users).toHaveLength(1);
    const cards = await t.app.db.em.fork().execute('select id from transport_cards where user_id = ?', [users[0].id]);
    expect(cards).toHaveLength(1);
  });

  it('the same e-mail in different case from concurrent requests also yields one account', async () => {
    const base = buildCitizen();
    const variants = Array.from({ length: 10 }, (_, i) =>
      buildCitizen({ email: i % 2 === 0 ? base.email.toUpperCase() : base.email, cpf: buildCitizen().cpf }),
    );
    const statuses = await Promise.all(variants.map((v) => postJson(t, '/v1/auth/register', v).then((r) => r.status)));
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    const users = await t.app.db.em.fork().execute('select id from users where lower(email) = ?', [base.email.toLowerCase()]);
    expect(users).toHaveLength(1);
  });
});
