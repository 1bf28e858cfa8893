import jwt from 'jsonwebtoken';
import { startTestApp, type TestApp } from '../support/test-app';
import { buildCitizen, postJson, registerCitizen, signIn, type SignedInCitizen } from '../support/factories';
import type { MailMessage } from '../../src/shared/mailer';
import { currentTimeStep, totpCode } from '../../src/accounts/totp';

const ADMIN_EMAIL = `admin.${process.pid}@prefeitura.rio`;

let t: TestApp;
let admin: SignedInCitizen;
/** Every e-mail the app sent. */
const mail: MailMessage[] = [];
/** The e-mails sent to `to` (in order). */
const mailTo = (to: string) => mail.filter((message) => message.to === to);
beforeAll(async () => {
  // The first admin: an account whose e-mail is in ADMIN_EMAILS when the app starts.
  const bootstrap = await startTestApp({
    env: { LOGIN_MAX_FAILURES: '3' },
    mailer: {
      send: async (message) => {
        mail.push(message);
      },
    },
  });
  const registered = await postJson(bootstrap, '/v1/auth/register', buildCitizen({ email: ADMIN_EMAIL }));
  expect(registered.status).toBe(201);
  t = bootstrap;
  await t.app.services.accounts.grantAdminByEmail(ADMIN_EMAIL, { address: 'test' });
  const tokens = await signIn(t, ADMIN_EMAIL, 'correct horse battery staple');
  admin = {
    id: '',
    input: buildCitizen({ email: ADMIN_EMAIL }),
    ...tokens,
    auth: { authorization: `Bearer ${tokens.accessToken}` },
  };
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

/** Every JSON response of these tests goes through this check: no password hash and no token hash ever leaves. */
async function json(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  expect(text).not.toMatch(/argon2|password_?hash|token_?hash/i);
  return JSON.parse(text) as Record<string, unknown>;
}

describe('my profile', () => {
  it('reads and changes name, e-mail and phone only', async () => {
    const citizen = await registerCitizen(t);
    const me = await json(await send('GET', '/v1/me', citizen.auth));
    expect(me).toMatchObject({ id: citizen.id, cpf: citizen.input.cpf, role: 'citizen' });

    const patched = await send('PATCH', '/v1/me', citizen.auth, { fullName: 'Maria  Souza   Lima', phone: '21 3456-7890' });
    expect(patched.status).toBe(200);
    expect(await json(patched)).toMatchObject({ fullName: 'Maria Souza Lima', phone: '2134567890' });

    for (const forbidden of [{ cpf: '52998224725' }, { role: 'admin' }, { id: citizen.id }]) {
      const res = await send('PATCH', '/v1/me', citizen.auth, forbidden);
      expect(res.status).toBe(422);
    }
    const invalid = await send('PATCH', '/v1/me', citizen.auth, { email: 'nope' });
    expect(invalid.status).toBe(422);
    expect(((await invalid.json()) as { errors: Array<{ field: string }> }).errors[0].field).toBe('email');
    const other = await registerCitizen(t);
    const taken = await send('PATCH', '/v1/me', citizen.auth, {
      email: other.input.email.toUpperCase(),
      currentPassword: citizen.input.password,
    });
    expect(taken.status).toBe(409);
    expect(await json(await send('GET', '/v1/me', citizen.auth))).toMatchObject({ role: 'citizen', cpf: citizen.input.cpf });
  });

  it('changes the password with the current one and ends the other sessions, their access tokens at once', async () => {
    const citizen = await registerCitizen(t);
    const other = await signIn(t, citizen.input.email, citizen.input.password);
    const otherAuth = { authorization: `Bearer ${other.accessToken}` };
    // Verified once: remembered by the bearer-token cache, which must not keep it alive.
    expect((await send('GET', '/v1/me', otherAuth)).status).toBe(200);
    const missing = await send('POST', '/v1/me/password', citizen.auth, { newPassword: 'a new long passphrase' });
    expect(missing.status).toBe(403);
    expect(await missing.json()).toMatchObject({ type: '/problems/reauthentication-required' });
    const wrong = await send('POST', '/v1/me/password', citizen.auth, {
      currentPassword: 'not it at all',
      newPassword: 'a new long passphrase',
    });
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { errors: Array<{ field: string }> }).errors[0].field).toBe('currentPassword');
    const weak = await send('POST', '/v1/me/password', citizen.auth, {
      currentPassword: citizen.input.password,
      newPassword: 'senha123',
    });
    expect(weak.status).toBe(422);
    const ok = await send('POST', '/v1/me/password', citizen.auth, {
      currentPassword: citizen.input.password,
      newPassword: 'a new long passphrase',
    });
    expect(ok.status).toBe(204);
    // The session that changed the password keeps working; the other one is gone.
    expect(
      (await postJson(t, '/v1/auth/token', { grant_type: 'refresh_token', refresh_token: citizen.refreshToken })).status,
    ).toBe(200);
    expect((await postJson(t, '/v1/auth/token', { grant_type: 'refresh_token', refresh_token: other.refreshToken })).status).toBe(
      400,
    );
    expect((await send('GET', '/v1/me', otherAuth)).status).toBe(401);
    expect((await send('GET', '/v1/me', citizen.auth)).status).toBe(200);
    await signIn(t, citizen.input.cpf, 'a new long passphrase');
    expect(mailTo(citizen.input.email).map((message) => message.subject)).toContain(
      'Carteira Digital Carioca: sua senha foi alterada',
    );
    const events = await t.app.db.em
      .fork()
      .execute(`select * from audit_events where event = 'password_changed' and subject_id = ?`, [citizen.id]);
    expect(events).toHaveLength(1);
  });

  it('a new e-mail needs re-authentication: the access token alone cannot take the account (issue 15 §5)', async () => {
    const victim = await registerCitizen(t);
    const attackerEmail = `atacante.${Date.now()}@example.com`;
    // The attack: with a stolen access token only, move the e-mail, then reset the password from the new address.
    const stolen = await send('PATCH', '/v1/me', victim.auth, { email: attackerEmail });
    expect(stolen.status).toBe(403);
    expect(stolen.headers.get('content-type')).toContain('application/problem+json');
    expect(await stolen.json()).toMatchObject({ type: '/problems/reauthentication-required', status: 403 });
    expect((await postJson(t, '/v1/auth/password/forgot', { login: attackerEmail })).status).toBe(202);
    expect(mailTo(attackerEmail)).toHaveLength(0);
    expect(await json(await send('GET', '/v1/me', victim.auth))).toMatchObject({ email: victim.input.email });

    // A wrong password is a failed sign-in: audited and counted (LOGIN_MAX_FAILURES=3 here).
    const guess = await send('PATCH', '/v1/me', victim.auth, { email: attackerEmail, currentPassword: 'guess number one' });
    expect(guess.status).toBe(403);
    expect(((await guess.json()) as { errors: Array<{ field: string }> }).errors[0].field).toBe('currentPassword');
    await send('PATCH', '/v1/me', victim.auth, { email: attackerEmail, currentPassword: 'guess number two' });
    const locked = await send('PATCH', '/v1/me', victim.auth, { email: attackerEmail, currentPassword: 'guess number three' });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // The same budget as the password grant: signing in is locked too.
    expect(
      (
        await postJson(t, '/v1/auth/token', {
          grant_type: 'password',
          username: victim.input.email,
          password: victim.input.password,
        })
      ).status,
    ).toBe(429);
    const failures = await t.app.db.em
      .fork()
      .execute(`select 1 from audit_events where event = 'reauthentication_failed' and subject_id = ?`, [victim.id]);
    expect(failures).toHaveLength(3);
    expect(JSON.stringify(await t.app.db.em.fork().execute('select * from audit_events'))).not.toContain('guess number');

    // Changing other fields, or resending the same e-mail, needs no proof.
    const citizen = await registerCitizen(t);
    expect((await send('PATCH', '/v1/me', citizen.auth, { fullName: 'Maria Souza', email: citizen.input.email })).status).toBe(
      200,
    );
  });

  it('tells the old address of an e-mail change, with a one-time code that undoes it and ends every session', async () => {
    const citizen = await registerCitizen(t);
    const otherSession = await signIn(t, citizen.input.email, citizen.input.password);
    const newEmail = `novo.${Date.now()}@example.com`;
    const changed = await send('PATCH', '/v1/me', citizen.auth, { email: newEmail, currentPassword: citizen.input.password });
    expect(changed.status).toBe(200);
    expect(await json(changed)).toMatchObject({ email: newEmail });
    const notices = mailTo(citizen.input.email);
    expect(notices).toHaveLength(1);
    expect(notices[0].subject).toBe('Carteira Digital Carioca: o e-mail da sua conta foi alterado');
    // The new address is masked in the notice; the code and the page that uses it are there.
    expect(notices[0].text).not.toContain(newEmail);
    expect(notices[0].text).toContain('n***');
    const code = /Código: ([A-Za-z0-9_-]{20,})/.exec(notices[0].text)![1];
    expect(notices[0].text).toContain(`${t.app.config.publicBaseUrl}/conta/desfazer-email#token=${code}`);
    const stored = await t.app.db.em.fork().execute('select * from email_change_undo_tokens where user_id = ?', [citizen.id]);
    expect(JSON.stringify(stored)).not.toContain(code);

    // Whoever changed it asks for a reset link at the new address...
    expect((await postJson(t, '/v1/auth/password/forgot', { login: newEmail })).status).toBe(202);
    expect(mailTo(newEmail)).toHaveLength(1);
    const resetToken = /digo: ([A-Za-z0-9_-]{20,})/.exec(mailTo(newEmail)[0].text)![1];
    expect(mailTo(newEmail)[0].text).toContain(`Link: ${t.app.config.publicBaseUrl}/redefinir-senha#token=${resetToken}\n`);

    // ...and the owner undoes the change from the old address.
    expect((await postJson(t, '/v1/auth/email-change/undo', { token: 'not-a-code' })).status).toBe(422);
    expect((await postJson(t, '/v1/auth/email-change/undo', { token: code })).status).toBe(204);
    expect((await send('GET', '/v1/me', citizen.auth)).status).toBe(401);
    expect((await send('GET', '/v1/me', { authorization: `Bearer ${otherSession.accessToken}` })).status).toBe(401);
    expect(
      (await postJson(t, '/v1/auth/token', { grant_type: 'refresh_token', refresh_token: citizen.refreshToken })).status,
    ).toBe(400);
    expect(
      (await postJson(t, '/v1/auth/password/reset', { token: resetToken, newPassword: 'taken over passphrase' })).status,
    ).toBe(422);
    const back = await signIn(t, citizen.input.email, citizen.input.password);
    expect(await json(await send('GET', '/v1/me', { authorization: `Bearer ${back.accessToken}` }))).toMatchObject({
      email: citizen.input.email,
    });
    // One use only.
    expect((await postJson(t, '/v1/auth/email-change/undo', { token: code })).status).toBe(422);
    // The page of the link changes nothing by being opened (mail scanners open links); its script posts the code.
    const page = await t.fetch('/conta/desfazer-email');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toMatch(/<script src="\/conta\/desfazer-email\.js" defer><\/script>/);
    const script = await (await t.fetch('/conta/desfazer-email.js')).text();
    expect(script).toContain("fetch('/v1/auth/email-change/undo'");
    expect(script).toContain('location.hash');
    const audit = await t.app.db.em
      .fork()
      .execute(`select 1 from audit_events where event = 'email_change_undone' and subject_id = ?`, [citizen.id]);
    expect(audit).toHaveLength(1);
  });

  it('accepts a second-factor code as re-authentication when the account has one, and only then', async () => {
    const citizen = await registerCitizen(t);
    const withoutFactor = await send('PATCH', '/v1/me', citizen.auth, {
      email: `sem.fator.${Date.now()}@example.com`,
      secondFactorCode: '123456',
    });
    expect(withoutFactor.status).toBe(403);
    const enrolment = (await json(await send('POST', '/v1/auth/mfa/totp', citizen.auth, {}))) as { secret: string };
    const step = currentTimeStep(new Date());
    const activated = await send('POST', '/v1/auth/mfa/totp/activate', citizen.auth, {
      code: totpCode(enrolment.secret, step),
      currentPassword: citizen.input.password,
    });
    expect(activated.status).toBe(200);
    const newEmail = `com.fator.${Date.now()}@example.com`;
    const wrong = await send('PATCH', '/v1/me', citizen.auth, { email: newEmail, secondFactorCode: '000000' });
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { errors: Array<{ field: string }> }).errors[0].field).toBe('secondFactorCode');
    const ok = await send('PATCH', '/v1/me', citizen.auth, {
      email: newEmail,
      secondFactorCode: totpCode(enrolment.secret, step + 1),
    });
    expect(ok.status).toBe(200);
  });

  it('exports my data: profile and cards', async () => {
    const citizen = await registerCitizen(t);
    const res = await send('GET', '/v1/me/export', citizen.auth);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('attachment');
    const data = await json(res);
    expect(data.profile).toMatchObject({ id: citizen.id, cpf: citizen.input.cpf, email: citizen.input.email });
    expect(Array.isArray(data.cards)).toBe(true);
    expect((data.cards as unknown[]).length).toBe(1);
  });

  it('erasure (LGPD) anonymises personal data, ends sessions and prevents sign-in', async () => {
    const citizen = await registerCitizen(t);
    const erase = await send('DELETE', '/v1/me', citizen.auth);
    expect(erase.status).toBe(204);
    const rows = await t.app.db.em.fork().execute('select * from users where id = ?', [citizen.id]);
    expect(rows[0]).toMatchObject({
      email: null,
      cpf: null,
      phone: null,
      birth_date: null,
      password_hash: null,
      status: 'erased',
    });
    expect(JSON.stringify(rows[0])).not.toContain('Maria');
    expect((await send('GET', '/v1/me', citizen.auth)).status).toBe(401);
    expect(
      (await postJson(t, '/v1/auth/token', { grant_type: 'refresh_token', refresh_token: citizen.refreshToken })).status,
    ).toBe(400);
    await expect(signIn(t, citizen.input.email, citizen.input.password)).rejects.toThrow();
    // The CPF and e-mail are free again.
    expect(
      (await postJson(t, '/v1/auth/register', buildCitizen({ cpf: citizen.input.cpf, email: citizen.input.email }))).status,
    ).toBe(201);
    const audit = await t.app.db.em
      .fork()
      .execute(`select actor_id from audit_events where event = 'account_erased' and subject_id = ?`, [citizen.id]);
    expect(audit).toHaveLength(1);
  });
});

describe('admin routes', () => {
  // Every row has all its elements: jest would take a missing last argument for a `done` callback.
  const adminRoutes: Array<[string, string, (id: string) => string, unknown]> = [
    ['GET /v1/users', 'GET', () => '/v1/users', undefined],
    ['GET /v1/users/{id}', 'GET', (id) => `/v1/users/${id}`, undefined],
    ['PATCH /v1/users/{id}', 'PATCH', (id) => `/v1/users/${id}`, { fullName: 'Novo Nome' }],
    ['DELETE /v1/users/{id}', 'DELETE', (id) => `/v1/users/${id}`, undefined],
  ];

  it.each(adminRoutes)('%s answers 403 to a citizen and 401 to nobody', async (_label, method, path, body) => {
    const citizen = await registerCitizen(t);
    const res = await send(method, path(citizen.id), citizen.auth, body);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ type: '/problems/forbidden' });
    expect((await send(method, path(citizen.id), {}, body)).status).toBe(401);
    // Nothing changed.
    expect(await json(await send('GET', '/v1/me', citizen.auth))).toMatchObject({ fullName: 'Maria da Silva' });
  });

  it('lists users with keyset pagination and a search', async () => {
    for (let i = 0; i < 3; i++) await registerCitizen(t, { fullName: 'Paginação Teste' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await send('GET', `/v1/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`, admin.auth);
      expect(res.status).toBe(200);
      const page = (await json(res)) as { items: Array<{ id: string }>; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((u) => u.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    const count = await t.app.db.em.fork().execute(`select count(*)::int as n from users where status = 'active'`);
    expect(seen.length).toBe(count[0].n);

    const search = (await json(await send('GET', '/v1/users?q=pagina%C3%A7%C3%A3o', admin.auth))) as { items: unknown[] };
    expect(search.items).toHaveLength(3);
    for (const bad of ['limit=0', 'limit=101', 'limit=abc', 'cursor=nope']) {
      expect((await send('GET', `/v1/users?${bad}`, admin.auth)).status).toBe(422);
    }
  });

  it('suspends an account: its access tokens stop at once, it cannot sign in or refresh, until reactivated', async () => {
    const citizen = await registerCitizen(t);
    expect((await send('GET', '/v1/me', citizen.auth)).status).toBe(200);
    const suspended = await send('PATCH', `/v1/users/${citizen.id}`, admin.auth, { status: 'suspended' });
    expect(suspended.status).toBe(200);
    expect(await json(suspended)).toMatchObject({ status: 'suspended' });
    expect((await send('GET', '/v1/me', citizen.auth)).status).toBe(401);
    expect(
      (await postJson(t, '/v1/auth/token', { grant_type: 'refresh_token', refresh_token: citizen.refreshToken })).status,
    ).toBe(400);
    await expect(signIn(t, citizen.input.email, citizen.input.password)).rejects.toThrow();
    expect(await json(await send('GET', `/v1/users/${citizen.id}`, admin.auth))).toMatchObject({ status: 'suspended' });
    const audit = await t.app.db.em
      .fork()
      .execute(`select actor_id from audit_events where event = 'account_suspended' and subject_id = ?`, [citizen.id]);
    expect(audit).toHaveLength(1);

    expect((await send('PATCH', `/v1/users/${citizen.id}`, admin.auth, { status: 'active' })).status).toBe(200);
    // The old session stays ended; a new sign-in works.
    expect((await send('GET', '/v1/me', citizen.auth)).status).toBe(401);
    await signIn(t, citizen.input.email, citizen.input.password);
    const adminId = (jwt.decode(admin.accessToken) as { sub: string }).sub;
    expect((await send('PATCH', `/v1/users/${adminId}`, admin.auth, { status: 'suspended' })).status).toBe(422);
  });

  it("changing a user's e-mail needs the admin's own re-authentication", async () => {
    const citizen = await registerCitizen(t);
    const newEmail = `trocado.admin.${Date.now()}@example.com`;
    expect((await send('PATCH', `/v1/users/${citizen.id}`, admin.auth, { email: newEmail })).status).toBe(403);
    const ok = await send('PATCH', `/v1/users/${citizen.id}`, admin.auth, {
      email: newEmail,
      currentPassword: 'correct horse battery staple',
    });
    expect(ok.status).toBe(200);
    expect(mailTo(citizen.input.email).at(-1)?.subject).toBe('Carteira Digital Carioca: o e-mail da sua conta foi alterado');
  });

  it('reads, changes the role (audited) and deletes a user', async () => {
    const citizen = await registerCitizen(t);
    expect(await json(await send('GET', `/v1/users/${citizen.id}`, admin.auth))).toMatchObject({ id: citizen.id });
    expect((await send('GET', '/v1/users/00000000-0000-7000-8000-000000000000', admin.auth)).status).toBe(404);
    expect((await send('GET', '/v1/users/not-a-uuid', admin.auth)).status).toBe(404);

    const promoted = await send('PATCH', `/v1/users/${citizen.id}`, admin.auth, { role: 'admin' });
    expect(await json(promoted)).toMatchObject({ role: 'admin' });
    const audit = await t.app.db.em
      .fork()
      .execute(`select details from audit_events where event = 'role_changed' and subject_id = ?`, [citizen.id]);
    expect(audit[0].details).toMatchObject({ from: 'citizen', to: 'admin' });
    // The new role applies at once, with the token the citizen already has.
    expect((await send('GET', '/v1/users', citizen.auth)).status).toBe(200);
    expect((await send('PATCH', `/v1/users/${citizen.id}`, admin.auth, { role: 'root' })).status).toBe(422);

    expect((await send('DELETE', `/v1/users/${citizen.id}`, admin.auth)).status).toBe(204);
    expect((await send('GET', `/v1/users/${citizen.id}`, admin.auth)).status).toBe(404);
    await expect(signIn(t, citizen.input.email, citizen.input.password)).rejects.toThrow();
  });
});
