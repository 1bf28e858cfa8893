import argon2 from 'argon2';
import { requirePostgres } from '../support/require-postgres';
import { startTestApp, type TestApp } from '../support/test-app';
import { postJson, registerCitizen } from '../support/factories';

requirePostgres();

/**
 * Sign-in attempts are counted before the password is checked, atomically in the database (issue 15 §9): however
 * many wrong passwords arrive at once, on however many connections, no more than the limit are ever evaluated.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { DB_POOL_MAX: '20', LOGIN_MAX_FAILURES: '5', LOGIN_LOCK_SECONDS: '60' } });
});
afterAll(async () => {
  await t.close();
});

describe('a burst of concurrent wrong passwords', () => {
  it.each([
    ['one account, through its e-mail and its CPF', 'account'],
    ['an unknown login', 'unknown'],
  ])('evaluates at most the limit (%s)', async (_name, kind) => {
    const citizen = await registerCitizen(t);
    const logins = kind === 'account' ? [citizen.input.email, citizen.input.cpf] : ['ninguem.burst@example.com'];
    const verify = jest.spyOn(argon2, 'verify');
    try {
      const responses = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          postJson(t, '/v1/auth/token', {
            grant_type: 'password',
            username: logins[i % logins.length],
            password: `wrong password ${i}`,
          }),
        ),
      );
      const statuses = responses.map((res) => res.status);
      // Five evaluated: four plain failures and the one that reached the limit (answered as locked); the other 25 were
      // refused before any password was checked.
      expect(verify).toHaveBeenCalledTimes(5);
      expect(statuses.filter((status) => status === 400)).toHaveLength(4);
      expect(statuses.filter((status) => status === 429)).toHaveLength(26);
      for (const res of responses.filter((r) => r.status === 429)) {
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    } finally {
      verify.mockRestore();
    }
    if (kind === 'account') {
      // Locked for the right password too.
      const right = await postJson(t, '/v1/auth/token', {
        grant_type: 'password',
        username: citizen.input.email,
        password: citizen.input.password,
      });
      expect(right.status).toBe(429);
    }
  });
});
