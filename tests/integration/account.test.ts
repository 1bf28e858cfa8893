import { startTestApp, type TestApp } from '../support/test-app';
import { buildCitizen, postJson, registerCitizen, signIn, type SignedInCitizen } from '../support/factories';

const ADMIN_EMAIL = `admin.${process.pid}@prefeitura.rio`;

let t: TestApp;
let admin: SignedInCitizen;
beforeAll(async () => {
  // The first admin: an account whose e-mail is in ADMIN_EMAILS when the app starts.
  const bootstrap = await startTestApp();
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
    const taken = await send('PATCH', '/v1/me', citizen.auth, { email: other.input.email.toUpperCase() });
    expect(taken.status).toBe(409);
    expect(await json(await send('GET', '/v1/me', citizen.auth))).toMatchObject({ role: 'citizen', cpf: citizen.input.cpf });
  });

  it('changes the password with the current one and ends the other sessions', async () => {
    const citizen = await registerCitizen(t);
    const other = await signIn(t, citizen.input.email, citizen.input.password);
    const wrong = await send('POST', '/v1/me/password', citizen.auth, {
      currentPassword: 'not it at all',
      newPassword: 'a new long passphrase',
    });
    expect(wrong.status).toBe(422);
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
    await signIn(t, citizen.input.cpf, 'a new long passphrase');
    const events = await t.app.db.em
      .fork()
      .execute(`select * from audit_events where event = 'password_changed' and subject_id = ?`, [citizen.id]);
    expect(events).toHaveLength(1);
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
