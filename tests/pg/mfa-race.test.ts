import { requirePostgres } from '../support/require-postgres';
import { startTestApp, type TestApp } from '../support/test-app';
import { postJson, registerCitizen } from '../support/factories';
import { currentTimeStep, totpCode } from '../../src/accounts/totp';

requirePostgres();

let t: TestApp;
beforeAll(async () => {
  // Losers of the race must answer invalid_grant, not be throttled; enough connections for real concurrency.
  t = await startTestApp({ env: { DB_POOL_MAX: '20', LOGIN_MAX_FAILURES: '100' } });
});
afterAll(async () => {
  await t.close();
});

describe('a TOTP code is single-use across concurrent sign-ins', () => {
  it('of 10 concurrent password grants with the same valid code exactly one gets tokens', async () => {
    const citizen = await registerCitizen(t);
    const enrolment = await postJson(t, '/v1/auth/mfa/totp', {}, citizen.auth);
    const { secret } = (await enrolment.json()) as { secret: string };
    const step = currentTimeStep(new Date());
    const activated = await postJson(
      t,
      '/v1/auth/mfa/totp/activate',
      { code: totpCode(secret, step), currentPassword: citizen.input.password },
      citizen.auth,
    );
    expect(activated.status).toBe(200);

    const code = totpCode(secret, step + 1);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        postJson(t, '/v1/auth/token', {
          grant_type: 'password',
          username: citizen.input.email,
          password: citizen.input.password,
          otp: code,
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(9);
    for (const res of responses.filter((r) => r.status === 400)) {
      expect(((await res.json()) as { error: string }).error).toBe('invalid_grant');
    }
    const sessions = await t.app.db.em
      .fork()
      .execute('select distinct family_id from refresh_tokens where user_id = ? and revoked_at is null', [citizen.id]);
    // The session registerCitizen opened before MFA was on, plus the one winner.
    expect(sessions).toHaveLength(2);
  });
});
