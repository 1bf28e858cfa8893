import { startTestApp, type TestApp } from '../support/test-app';
import { postJson, registerCitizen, type SignedInCitizen } from '../support/factories';
import { currentTimeStep, totpCode } from '../../src/accounts/totp';
import type { MailMessage } from '../../src/shared/mailer';

let t: TestApp;
/** Every e-mail the app sent. */
const mail: MailMessage[] = [];
beforeAll(async () => {
  // Small limits: the throttling tests reach them in a few attempts; every other test uses its own citizen.
  t = await startTestApp({
    env: { LOGIN_MAX_FAILURES: '3', LOGIN_LOCK_SECONDS: '60' },
    mailer: {
      send: async (message) => {
        mail.push(message);
      },
    },
  });
});
afterAll(async () => {
  await t.close();
});

interface Enrolment {
  secret: string;
  otpauthUri: string;
  qrCodePng: string;
}

async function enrol(citizen: SignedInCitizen): Promise<Enrolment> {
  const res = await postJson(t, '/v1/auth/mfa/totp', {}, citizen.auth);
  expect(res.status).toBe(201);
  return (await res.json()) as Enrolment;
}

/** Enrols and activates with the code of `activationStep`; returns the secret and the recovery codes. */
async function enableMfa(citizen: SignedInCitizen, activationStep = currentTimeStep(new Date())) {
  const { secret } = await enrol(citizen);
  const res = await postJson(
    t,
    '/v1/auth/mfa/totp/activate',
    { code: totpCode(secret, activationStep), currentPassword: citizen.input.password },
    citizen.auth,
  );
  expect(res.status).toBe(200);
  const { recoveryCodes } = (await res.json()) as { recoveryCodes: string[] };
  return { secret, recoveryCodes };
}

function passwordGrant(citizen: SignedInCitizen, otp?: string) {
  return postJson(t, '/v1/auth/token', {
    grant_type: 'password',
    username: citizen.input.email,
    password: citizen.input.password,
    ...(otp === undefined ? {} : { otp }),
  });
}

/**
 * Freezes only `Date` (the app runs in this process) in the middle of a 30-second step, so tests about neighbouring
 * steps cannot straddle a step boundary. Timers stay real: the database driver and the HTTP server need them.
 */
async function withFrozenClock<T>(run: (step: number) => Promise<T>): Promise<T> {
  const step = currentTimeStep(new Date());
  jest.useFakeTimers({
    now: step * 30_000 + 15_000,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
  try {
    return await run(step);
  } finally {
    jest.useRealTimers();
  }
}

describe('enrolment', () => {
  it('gives a 160-bit secret, an otpauth URI for "Prefeitura do Rio" and the same URI as a PNG QR code', async () => {
    const citizen = await registerCitizen(t);
    const enrolment = await enrol(citizen);
    expect(enrolment.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(enrolment.otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname.slice(1))).toBe(`Prefeitura do Rio:${citizen.input.email}`);
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      secret: enrolment.secret,
      issuer: 'Prefeitura do Rio',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
    expect(enrolment.qrCodePng).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    const png = Buffer.from(enrolment.qrCodePng.slice('data:image/png;base64,'.length), 'base64');
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const status = await t.fetch('/v1/auth/mfa', { headers: citizen.auth });
    expect(await status.json()).toEqual({ totpEnabled: false, recoveryCodesLeft: 0 });
  });

  it('needs authentication', async () => {
    expect((await postJson(t, '/v1/auth/mfa/totp', {})).status).toBe(401);
    expect((await t.fetch('/v1/auth/mfa')).status).toBe(401);
  });

  it('stores the secret encrypted: the database bytes do not contain it', async () => {
    const citizen = await registerCitizen(t);
    const { secret } = await enableMfa(citizen);
    const rows = await t.app.db.em.fork().execute('select * from user_mfa where user_id = ?', [citizen.id]);
    expect(rows).toHaveLength(1);
    const stored = Buffer.from(rows[0].totp_secret as Uint8Array);
    expect(stored.length).toBe(12 + 16 + secret.length);
    const dump = JSON.stringify(rows) + stored.toString('latin1') + stored.toString('base64') + stored.toString('hex');
    expect(dump.toUpperCase()).not.toContain(secret);
    const codes = await t.app.db.em.fork().execute('select code_hash from mfa_recovery_codes where user_id = ?', [citizen.id]);
    expect(codes).toHaveLength(10);
    for (const { code_hash } of codes) expect(String(code_hash)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('activation', () => {
  it('refuses a wrong code with 422 and activates with the right one, returning 10 distinct recovery codes', async () => {
    const citizen = await registerCitizen(t);
    const { secret } = await enrol(citizen);
    const step = currentTimeStep(new Date());
    const wrong = totpCode(secret, step + 5);
    const refused = await postJson(
      t,
      '/v1/auth/mfa/totp/activate',
      { code: wrong, currentPassword: citizen.input.password },
      citizen.auth,
    );
    expect(refused.status).toBe(422);
    const problem = (await refused.json()) as { type: string; errors: Array<{ field: string; message: string }> };
    expect(problem.type).toBe('/problems/validation-error');
    expect(problem.errors[0]).toMatchObject({ field: 'code', message: expect.stringMatching(/Código inválido/) });

    const res = await postJson(
      t,
      '/v1/auth/mfa/totp/activate',
      { code: totpCode(secret, step), currentPassword: citizen.input.password },
      citizen.auth,
    );
    expect(res.status).toBe(200);
    const { recoveryCodes } = (await res.json()) as { recoveryCodes: string[] };
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    const status = await t.fetch('/v1/auth/mfa', { headers: citizen.auth });
    expect(await status.json()).toEqual({ totpEnabled: true, recoveryCodesLeft: 10 });
    const audit = await t.app.db.em
      .fork()
      .execute(`select * from audit_events where event = 'mfa_enabled' and subject_id = ?`, [citizen.id]);
    expect(audit).toHaveLength(1);
    // Once on, a new enrolment cannot silently replace the secret.
    expect((await postJson(t, '/v1/auth/mfa/totp', {}, citizen.auth)).status).toBe(409);
  });

  it('answers 409 without an enrolment and 422 (never 500) for malformed bodies', async () => {
    const citizen = await registerCitizen(t);
    const none = await postJson(t, '/v1/auth/mfa/totp/activate', { code: '123456' }, citizen.auth);
    expect(none.status).toBe(409);
    await enrol(citizen);
    for (const body of [
      {},
      { code: 123456 },
      { code: null },
      { code: '1'.repeat(5000) },
      { code: '123456', extra: 1 },
      { code: '123456', currentPassword: 'x'.repeat(5000) },
    ]) {
      const res = await postJson(t, '/v1/auth/mfa/totp/activate', body, citizen.auth);
      expect(res.status).toBe(422);
    }
    const disable = await postJson(t, '/v1/auth/mfa/totp/disable', { secondFactorCode: [], currentPassword: {} }, citizen.auth);
    expect(disable.status).toBe(422);
  });

  it('throttles wrong activation codes per account with 429 and Retry-After', async () => {
    const citizen = await registerCitizen(t);
    await enrol(citizen);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const res = await postJson(
        t,
        '/v1/auth/mfa/totp/activate',
        { code: '000000', currentPassword: citizen.input.password },
        citizen.auth,
      );
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(statuses).toEqual([422, 422, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});

describe('password grant with two-factor authentication on', () => {
  it('without otp answers 400 mfa_required, and a wrong otp 400 invalid_grant', async () => {
    const citizen = await registerCitizen(t);
    const { secret } = await enableMfa(citizen);
    const missing = await passwordGrant(citizen);
    expect(missing.status).toBe(400);
    const missingBody = (await missing.json()) as { error: string; error_description: string };
    expect(missingBody.error).toBe('mfa_required');
    expect(missingBody.error_description).toMatch(/duas etapas/);
    const wrong = await passwordGrant(citizen, totpCode(secret, currentTimeStep(new Date()) + 7));
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: string }).error).toBe('invalid_grant');
    const garbage = await passwordGrant(citizen, 'não é um código');
    expect(garbage.status).toBe(400);
  });

  it('accepts the previous, current and next step, refuses two steps away and any step not newer than the last', async () => {
    const citizen = await registerCitizen(t);
    await withFrozenClock(async (step) => {
      const { secret } = await enableMfa(citizen, step - 1);
      // The activation code itself has been spent.
      expect((await passwordGrant(citizen, totpCode(secret, step - 1))).status).toBe(400);
      expect((await passwordGrant(citizen, totpCode(secret, step))).status).toBe(200);
      expect((await passwordGrant(citizen, totpCode(secret, step + 1))).status).toBe(200);
      expect((await passwordGrant(citizen, totpCode(secret, step + 2))).status).toBe(400);
      // Now that step + 1 was accepted, the current step's code (never used) is older and refused too.
      expect((await passwordGrant(citizen, totpCode(secret, step))).status).toBe(400);
    });
    const other = await registerCitizen(t);
    await withFrozenClock(async (step) => {
      const { secret } = await enableMfa(other, step);
      expect((await passwordGrant(other, totpCode(secret, step - 1))).status).toBe(400);
      expect((await passwordGrant(other, totpCode(secret, step - 2))).status).toBe(400);
      const ok = await passwordGrant(other, totpCode(secret, step + 1));
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ token_type: 'Bearer' });
    });
  });

  it('refuses the same code the second time', async () => {
    const citizen = await registerCitizen(t);
    const { secret } = await enableMfa(citizen);
    const code = totpCode(secret, currentTimeStep(new Date()) + 1);
    expect((await passwordGrant(citizen, code)).status).toBe(200);
    const again = await passwordGrant(citizen, code);
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('accepts each recovery code once, in any typing, and counts what is left', async () => {
    const citizen = await registerCitizen(t);
    const { recoveryCodes } = await enableMfa(citizen);
    const typed = ` ${recoveryCodes[3].replace('-', ' ').toLowerCase()} `;
    const ok = await passwordGrant(citizen, typed);
    expect(ok.status).toBe(200);
    const { access_token } = (await ok.json()) as { access_token: string };
    expect((await passwordGrant(citizen, recoveryCodes[3])).status).toBe(400);
    expect((await passwordGrant(citizen, recoveryCodes[4])).status).toBe(200);
    const status = await t.fetch('/v1/auth/mfa', { headers: { authorization: `Bearer ${access_token}` } });
    expect(await status.json()).toEqual({ totpEnabled: true, recoveryCodesLeft: 8 });
    // Another citizen's recovery code is worth nothing here.
    const other = await registerCitizen(t);
    const { recoveryCodes: otherCodes } = await enableMfa(other);
    expect((await passwordGrant(citizen, otherCodes[0])).status).toBe(400);
  });

  it('throttles repeated wrong codes like passwords: 429 with Retry-After, even for a right code then', async () => {
    const citizen = await registerCitizen(t);
    const { secret } = await enableMfa(citizen);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const res = await passwordGrant(citizen, '000000');
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(statuses).toEqual([400, 400, 400, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    const right = await passwordGrant(citizen, totpCode(secret, currentTimeStep(new Date()) + 1));
    expect(right.status).toBe(429);
  });
});

describe('disabling', () => {
  it('needs the password and a current code as re-authentication; afterwards the password alone signs in', async () => {
    const citizen = await registerCitizen(t);
    const { secret } = await enableMfa(citizen);
    const next = totpCode(secret, currentTimeStep(new Date()) + 1);
    const disable = (body: Record<string, string>) => postJson(t, '/v1/auth/mfa/totp/disable', body, citizen.auth);
    const codeOnly = await disable({ secondFactorCode: next });
    expect(codeOnly.status).toBe(403);
    expect(await codeOnly.json()).toMatchObject({ type: '/problems/reauthentication-required' });
    expect((await disable({ currentPassword: citizen.input.password })).status).toBe(403);
    const wrongPassword = await disable({ secondFactorCode: next, currentPassword: 'wrong password!' });
    expect(wrongPassword.status).toBe(403);
    expect(((await wrongPassword.json()) as { errors: Array<{ field: string }> }).errors[0].field).toBe('currentPassword');
    const badCode = await disable({ secondFactorCode: '000000', currentPassword: citizen.input.password });
    expect(badCode.status).toBe(403);
    expect(((await badCode.json()) as { errors: Array<{ field: string }> }).errors[0].field).toBe('secondFactorCode');
    const res = await disable({ secondFactorCode: next, currentPassword: citizen.input.password });
    expect(res.status).toBe(204);
    expect((await passwordGrant(citizen)).status).toBe(200);
    const status = await t.fetch('/v1/auth/mfa', { headers: citizen.auth });
    expect(await status.json()).toEqual({ totpEnabled: false, recoveryCodesLeft: 0 });
    const rows = await t.app.db.em.fork().execute('select 1 from mfa_recovery_codes where user_id = ?', [citizen.id]);
    expect(rows).toHaveLength(0);
    const audit = await t.app.db.em
      .fork()
      .execute(`select * from audit_events where event = 'mfa_disabled' and subject_id = ?`, [citizen.id]);
    expect(audit).toHaveLength(1);
    expect((await disable({ secondFactorCode: next, currentPassword: citizen.input.password })).status).toBe(409);
    expect(mail.filter((message) => message.to === citizen.input.email).map((message) => message.subject)).toEqual([
      'Carteira Digital Carioca: verificação em duas etapas ativada',
      'Carteira Digital Carioca: verificação em duas etapas desativada',
    ]);
  });
});

describe('turning it on with a stolen access token (issue 15 §5)', () => {
  it('is refused without the password, so the owner is not locked out', async () => {
    const victim = await registerCitizen(t);
    const { secret } = await enrol(victim);
    const step = currentTimeStep(new Date());
    const res = await postJson(t, '/v1/auth/mfa/totp/activate', { code: totpCode(secret, step) }, victim.auth);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ type: '/problems/reauthentication-required' });
    const guessed = await postJson(
      t,
      '/v1/auth/mfa/totp/activate',
      { code: totpCode(secret, step), currentPassword: 'a guessed password' },
      victim.auth,
    );
    expect(guessed.status).toBe(403);
    expect(await (await t.fetch('/v1/auth/mfa', { headers: victim.auth })).json()).toEqual({
      totpEnabled: false,
      recoveryCodesLeft: 0,
    });
    // The owner still signs in with the password alone.
    expect((await passwordGrant(victim)).status).toBe(200);
    expect(mail.filter((message) => message.to === victim.input.email)).toHaveLength(0);
  });
});

describe('privacy', () => {
  it('never shows the secret after enrolment: not in /v1/me, the export or the status', async () => {
    const citizen = await registerCitizen(t);
    const { secret, recoveryCodes } = await enableMfa(citizen);
    for (const path of ['/v1/me', '/v1/me/export', '/v1/auth/mfa']) {
      const res = await t.fetch(path, { headers: citizen.auth });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).not.toContain(secret);
      for (const code of recoveryCodes) expect(text).not.toContain(code);
    }
    const exported = (await (await t.fetch('/v1/me/export', { headers: citizen.auth })).json()) as Record<string, unknown>;
    expect(exported.twoFactor).toMatchObject({ totpEnabled: true });
  });

  it('LGPD erasure removes every two-factor row', async () => {
    const citizen = await registerCitizen(t);
    await enableMfa(citizen);
    const res = await t.fetch('/v1/me', { method: 'DELETE', headers: citizen.auth });
    expect(res.status).toBe(204);
    const em = t.app.db.em.fork();
    expect(await em.execute('select 1 from user_mfa where user_id = ?', [citizen.id])).toHaveLength(0);
    expect(await em.execute('select 1 from mfa_recovery_codes where user_id = ?', [citizen.id])).toHaveLength(0);
  });
});
