import argon2 from 'argon2';
import jwt from 'jsonwebtoken';
import { SMTPServer } from 'smtp-server';
import { startTestApp, type TestApp } from '../support/test-app';
import { buildCitizen, postJson, registerCitizen, signIn } from '../support/factories';
import { TestClock } from '../../src/shared/clock';

let t: TestApp;
/** The app's clock: real time unless a test moves it (and puts it back). */
const clock = new TestClock();
beforeAll(async () => {
  t = await startTestApp({ env: { LOGIN_MAX_FAILURES: '3', LOGIN_LOCK_SECONDS: '60' }, clock });
});
beforeEach(() => {
  clock.set(new Date());
});
afterAll(async () => {
  await t.close();
});

/** The session (`sid`) an access token belongs to. */
function sessionOf(accessToken: string): string {
  return (jwt.decode(accessToken) as { sid: string }).sid;
}

async function auditEvents(event: string): Promise<Array<Record<string, unknown>>> {
  return t.app.db.em.fork().execute('select * from audit_events where event = ? order by occurred_at', [event]);
}

describe('registration', () => {
  it('creates the account with normalised data, never returns secrets, and issues the first card in the same transaction', async () => {
    const input = buildCitizen({ cpf: '529.982.247-25', email: '  Maria.Souza@Example.COM ', phone: '+55 (21) 99876-5432' });
    const res = await postJson(t, '/v1/auth/register', input);
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).not.toMatch(/argon2|password/i);
    const user = JSON.parse(text) as Record<string, unknown>;
    expect(user).toMatchObject({
      cpf: '52998224725',
      email: 'maria.souza@example.com',
      phone: '21998765432',
      role: 'citizen',
      birthDate: '1990-05-17',
    });
    expect(Object.keys(user).sort()).toEqual([
      'birthDate',
      'cpf',
      'createdAt',
      'email',
      'fullName',
      'id',
      'phone',
      'role',
      'status',
      'updatedAt',
    ]);
    const rows = await t.app.db.em.fork().execute('select password_hash from users where id = ?', [user.id]);
    const hash = String(rows[0].password_hash);
    expect(hash).toMatch(/^\$argon2id\$v=19\$/);
    const m = /m=(\d+)/.exec(hash)![1];
    const tCost = /t=(\d+)/.exec(hash)![1];
    expect(Number(m)).toBeGreaterThanOrEqual(19456);
    expect(Number(tCost)).toBeGreaterThanOrEqual(2);
    const cards = await t.app.db.em
      .fork()
      .execute('select number, balance_cents, status from transport_cards where user_id = ?', [user.id]);
    expect(cards).toHaveLength(1);
    expect(cards[0]).toMatchObject({ status: 'active' });
    expect(String(cards[0].number)).toMatch(/^\d{16}$/);
  });

  it('answers every invalid field at once, in pt-BR, and writes nothing', async () => {
    const before = await t.app.db.em.fork().execute('select count(*)::int as n from users');
    const res = await postJson(t, '/v1/auth/register', {
      fullName: 'Maria',
      email: 'not-an-email',
      cpf: '111.111.111-11',
      birthDate: '2999-01-01',
      phone: '123',
      password: 'short',
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = (await res.json()) as { type: string; errors: Array<{ field: string; message: string }> };
    expect(body.type).toBe('/problems/validation-error');
    expect(body.errors.map((e) => e.field).sort()).toEqual(['birthDate', 'cpf', 'email', 'fullName', 'password', 'phone']);
    expect(body.errors.find((e) => e.field === 'cpf')!.message).toMatch(/CPF inválido/);
    const after = await t.app.db.em.fork().execute('select count(*)::int as n from users');
    expect(after[0].n).toBe(before[0].n);
  });

  it.each([
    ['a common password', { password: 'senha123' }],
    ['a password containing the CPF', { cpf: '52998224725', password: 'minhasenha52998224725' }],
    ['a password containing the birth date', { birthDate: '1990-05-17', password: 'xyz17051990abc' }],
    ['a password over 128 characters', { password: 'a b'.repeat(50) }],
  ])('rejects %s', async (_name, overrides) => {
    const res = await postJson(t, '/v1/auth/register', buildCitizen(overrides));
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: Array<{ field: string }> };
    expect(body.errors.map((e) => e.field)).toContain('password');
  });

  it('rejects unknown properties and wrong types with 422', async () => {
    const res = await postJson(t, '/v1/auth/register', { ...buildCitizen(), role: 'admin' });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: Array<{ field: string; message: string }> };
    expect(body.errors[0].message).toMatch(/não permitida/);
    const typed = await postJson(t, '/v1/auth/register', { ...buildCitizen(), cpf: 52998224725 });
    expect(typed.status).toBe(422);
  });

  it('answers 409 for a CPF or an e-mail (any case) already registered', async () => {
    const first = buildCitizen();
    expect((await postJson(t, '/v1/auth/register', first)).status).toBe(201);
    const sameCpf = await postJson(t, '/v1/auth/register', buildCitizen({ cpf: first.cpf }));
    expect(sameCpf.status).toBe(409);
    expect(((await sameCpf.json()) as { errors: Array<{ field: string }> }).errors[0].field).toBe('cpf');
    const sameEmail = await postJson(t, '/v1/auth/register', buildCitizen({ email: first.email.toUpperCase() }));
    expect(sameEmail.status).toBe(409);
    expect(((await sameEmail.json()) as { errors: Array<{ field: string }> }).errors[0].field).toBe('email');
  });

  it('of concurrent identical registrations exactly one succeeds', async () => {
    const input = buildCitizen();
    const statuses = await Promise.all(
      Array.from({ length: 5 }, () => postJson(t, '/v1/auth/register', input).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(4);
  });
});

describe('password grant and access tokens', () => {
  it('signs in with CPF (any punctuation) or e-mail, as JSON or form, with the contract response', async () => {
    const citizen = await registerCitizen(t);
    const punctuated = citizen.input.cpf.replace(/^(\d{3})(\d{3})(\d{3})(\d{2})$/, '$1.$2.$3-$4');
    const form = await t.fetch('/v1/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        username: punctuated,
        password: citizen.input.password,
        scope: 'citizen',
        client_id: 'swagger',
      }).toString(),
    });
    expect(form.status).toBe(200);
    expect(form.headers.get('cache-control')).toBe('no-store');
    const body = (await form.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    expect(typeof body.refresh_token).toBe('string');
    const claims = jwt.decode(String(body.access_token), { complete: true })!;
    expect(claims.header.alg).toBe('HS256');
    const payload = claims.payload as Record<string, unknown>;
    expect(payload.sub).toBe(citizen.id);
    expect(payload.iss).toBe(t.app.config.auth.issuer);
    expect(payload.aud).toBe('carteira-digital-carioca');
    expect(payload.jti).toEqual(expect.any(String));
    expect(Number(payload.exp) - Number(payload.iat)).toBe(900);

    const me = await t.fetch('/v1/me', { headers: { authorization: `Bearer ${String(body.access_token)}` } });
    expect(me.status).toBe(200);
  });

  it('answers the same for a wrong password and an unknown login, and really verifies a dummy hash for the unknown one', async () => {
    const citizen = await registerCitizen(t);
    const verify = jest.spyOn(argon2, 'verify');
    try {
      const wrong = await postJson(t, '/v1/auth/token', {
        grant_type: 'password',
        username: citizen.input.email,
        password: 'wrong password here',
      });
      const calledForWrong = verify.mock.calls.length;
      const unknown = await postJson(t, '/v1/auth/token', {
        grant_type: 'password',
        username: 'nobody-here@example.com',
        password: 'wrong password here',
      });
      expect(wrong.status).toBe(400);
      expect(unknown.status).toBe(400);
      expect(await unknown.json()).toEqual(await wrong.json());
      expect(calledForWrong).toBe(1);
      expect(verify.mock.calls.length).toBe(2);
      const dummyHash = String(verify.mock.calls[1][0]);
      expect(dummyHash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    } finally {
      verify.mockRestore();
    }
  });

  it('answers OAuth errors for bad grant requests', async () => {
    const missing = await postJson(t, '/v1/auth/token', { grant_type: 'password' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: 'invalid_request' });
    const unsupported = await postJson(t, '/v1/auth/token', { grant_type: 'client_credentials' });
    expect(await unsupported.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  describe('NUL characters and oversized fields get 4xx, never 5xx (issue 15 §9)', () => {
    it('on the token endpoint, as form and as JSON: 400 invalid_request in OAuth form', async () => {
      const form = await t.fetch('/v1/auth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=password&username=x%00%40example.com&password=whatever-whatever',
      });
      const json = await postJson(t, '/v1/auth/token', {
        grant_type: 'password',
        username: 'x\u0000@example.com',
        password: 'whatever-whatever',
      });
      const huge = await postJson(t, '/v1/auth/token', {
        grant_type: 'password',
        username: `${'a'.repeat(400 * 1024)}@example.com`,
        password: 'whatever-whatever',
      });
      for (const res of [form, json, huge]) {
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(await res.json()).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
      }
      const malformed = await t.fetch('/v1/auth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"grant_type": ',
      });
      expect(await malformed.json()).toMatchObject({ error: 'invalid_request' });
    });

    it('on password recovery: a 400 KB login is 422 and a NUL is 400, as problems', async () => {
      const huge = await postJson(t, '/v1/auth/password/forgot', { login: 'a'.repeat(400 * 1024) });
      expect(huge.status).toBe(422);
      expect(await huge.json()).toMatchObject({ type: '/problems/validation-error', errors: [{ field: 'login' }] });
      const nul = await postJson(t, '/v1/auth/password/forgot', { login: 'maria\u0000@example.com' });
      expect(nul.status).toBe(400);
      expect(await nul.json()).toMatchObject({ type: '/problems/malformed-request', errors: [{ field: 'login' }] });
    });

    it('in a query string and in a registration, anywhere in the body', async () => {
      const search = await t.fetch('/v1/faq/search?q=cart%C3%A3o%00');
      expect(search.status).toBe(400);
      expect(await search.json()).toMatchObject({ type: '/problems/malformed-request' });
      const registration = await postJson(t, '/v1/auth/register', buildCitizen({ fullName: 'Maria\u0000 da Silva' }));
      expect(registration.status).toBe(400);
      const nestedKey = await postJson(t, '/v1/auth/register', { ...buildCitizen(), 'x\u0000': 1 });
      expect(nestedKey.status).toBe(400);
    });
  });

  describe('a protected route refuses bad tokens with 401 problem', () => {
    let citizen: Awaited<ReturnType<typeof registerCitizen>>;
    beforeAll(async () => {
      citizen = await registerCitizen(t);
    });
    const secret = 'test-secret-test-secret-test-secret-0123456789';
    // The citizen's real session: a token is accepted only while its session is on.
    const good = () => ({ sub: citizen.id, role: 'citizen', sid: sessionOf(citizen.accessToken), typ: 'access' });
    const options = () => ({ issuer: t.app.config.auth.issuer, audience: 'carteira-digital-carioca', expiresIn: 300 });
    const cases: Array<[string, () => string]> = [
      ['no token', () => ''],
      ['garbage', () => 'not.a.jwt'],
      ['alg none', () => jwt.sign(good(), '', { ...options(), algorithm: 'none' })],
      ['wrong signature', () => jwt.sign(good(), 'another-secret-another-secret-another-1234', options())],
      ['HS512 with the right key (algorithm not pinned)', () => jwt.sign(good(), secret, { ...options(), algorithm: 'HS512' })],
      ['wrong issuer', () => jwt.sign(good(), secret, { ...options(), issuer: 'https://evil.example' })],
      ['wrong audience', () => jwt.sign(good(), secret, { ...options(), audience: 'other-api' })],
      [
        'expired',
        () =>
          jwt.sign({ ...good(), exp: Math.floor(Date.now() / 1000) - 60 }, secret, {
            issuer: options().issuer,
            audience: options().audience,
          }),
      ],
      ['not an access token', () => jwt.sign({ ...good(), typ: 'refresh' }, secret, options())],
      ['the refresh token', () => citizen.refreshToken],
      ['no session', () => jwt.sign({ ...good(), sid: undefined }, secret, options())],
      [
        'a session that does not exist',
        () => jwt.sign({ ...good(), sid: '0190c0de-0000-7000-8000-000000000000' }, secret, options()),
      ],
      ['a session id that is not a UUID', () => jwt.sign({ ...good(), sid: "x' or '1'='1" }, secret, options())],
    ];
    it.each(cases)('%s', async (_name, token) => {
      const value = token();
      const res = await t.fetch('/v1/me', { headers: value ? { authorization: `Bearer ${value}` } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await res.json()).toMatchObject({ type: '/problems/unauthorized', status: 401 });
    });

    it('accepts a well-formed token signed with the key (control)', async () => {
      const res = await t.fetch('/v1/me', { headers: { authorization: `Bearer ${jwt.sign(good(), secret, options())}` } });
      expect(res.status).toBe(200);
    });

    // Verified tokens are remembered by their text (VerifiedTokens): a remembered one must still expire, and any other
    // text must still be verified.
    const me = (token: string) => t.fetch('/v1/me', { headers: { authorization: `Bearer ${token}` } });

    it('a token accepted before is refused once it expires by the app clock', async () => {
      const token = jwt.sign(good(), secret, options());
      expect((await me(token)).status).toBe(200);
      clock.advance(306_000);
      const res = await me(token);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ type: '/problems/unauthorized' });
      // Not remembered as valid either: a fresh text with the same expiry is refused through passport too.
      expect((await me(jwt.sign(good(), secret, options()))).status).toBe(401);
    });

    it('a token accepted before, with one character of its signature changed, is refused', async () => {
      const token = jwt.sign(good(), secret, options());
      expect((await me(token)).status).toBe(200);
      const last = token.at(-1) === 'A' ? 'B' : 'A';
      expect((await me(token.slice(0, -1) + last)).status).toBe(401);
      expect((await me(token)).status).toBe(200);
    });
  });
});

describe('refresh tokens', () => {
  it('rotate on every use; a spent token revokes the whole family', async () => {
    const citizen = await registerCitizen(t);
    const first = await postJson(t, '/v1/auth/token', { grant_type: 'refresh_token', refresh_token: citizen.refreshToken });
    expect(first.status).toBe(200);
    const rotated = (await first.json()) as { refresh_token: string; access_token: string };
    expect(rotated.refresh_token).not.toBe(citizen.refreshToken);

    const replay = await postJson(t, '/v1/auth/token', { grant_type: 'refresh_token', refresh_token: citizen.refreshToken });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
    // The legitimate newer token of the same family is dead too.
    const afterReuse = await postJson(t, '/v1/auth/token', { grant_type: 'refresh_token', refresh_token: rotated.refresh_token });
    expect(afterReuse.status).toBe(400);
    expect((await auditEvents('refresh_token_reused')).some((e) => e.subject_id === citizen.id)).toBe(true);

    const stored = await t.app.db.em
      .fork()
      .execute<{ token_hash: string }[]>('select token_hash from refresh_tokens where user_id = ?', [citizen.id]);
    expect(stored.map((r) => r.token_hash)).not.toContain(citizen.refreshToken);
  });

  it('keep the family’s absolute lifetime and stop after it', async () => {
    const citizen = await registerCitizen(t);
    await t.app.db.em
      .fork()
      .execute(`update refresh_tokens set expires_at = now() - interval '1 second' where user_id = ?`, [citizen.id]);
    const res = await postJson(t, '/v1/auth/token', { grant_type: 'refresh_token', refresh_token: citizen.refreshToken });
    expect(res.status).toBe(400);
    const fresh = await registerCitizen(t);
    const rows = await t.app.db.em
      .fork()
      .execute(`select extract(epoch from (expires_at - created_at))::int as seconds from refresh_tokens where user_id = ?`, [
        fresh.id,
      ]);
    expect(rows[0].seconds).toBe(30 * 24 * 3600);
  });

  it('revoke logs out', async () => {
    const citizen = await registerCitizen(t);
    const revoke = await postJson(t, '/v1/auth/revoke', { token: citizen.refreshToken });
    expect(revoke.status).toBe(204);
    const res = await postJson(t, '/v1/auth/token', { grant_type: 'refresh_token', refresh_token: citizen.refreshToken });
    expect(res.status).toBe(400);
    expect((await postJson(t, '/v1/auth/revoke', { token: 'unknown' })).status).toBe(204);
  });
});

describe('an access token ends with its session (issue 15 §6)', () => {
  const me = (token: string) => t.fetch('/v1/me', { headers: { authorization: `Bearer ${token}` } });

  it('logout ends the access token at once, even one the app has verified before, and only that session', async () => {
    const citizen = await registerCitizen(t);
    const other = await signIn(t, citizen.input.email, citizen.input.password);
    // Used once: now remembered by the bearer-token cache (VerifiedTokens).
    expect((await me(citizen.accessToken)).status).toBe(200);
    expect((await postJson(t, '/v1/auth/revoke', { token: citizen.refreshToken })).status).toBe(204);
    const refused = await me(citizen.accessToken);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ type: '/problems/unauthorized' });
    expect((await t.fetch('/v1/cards', { headers: citizen.auth })).status).toBe(401);
    expect((await me(other.accessToken)).status).toBe(200);
  });

  it('refresh-token reuse ends every access token of the session, the rotated one included', async () => {
    const citizen = await registerCitizen(t);
    expect((await me(citizen.accessToken)).status).toBe(200);
    const rotated = await postJson(t, '/v1/auth/token', { grant_type: 'refresh_token', refresh_token: citizen.refreshToken });
    const { access_token: newer } = (await rotated.json()) as { access_token: string };
    expect((await me(newer)).status).toBe(200);
    // Someone replays the spent refresh token: the whole family is revoked.
    await postJson(t, '/v1/auth/token', { grant_type: 'refresh_token', refresh_token: citizen.refreshToken });
    expect((await me(citizen.accessToken)).status).toBe(401);
    expect((await me(newer)).status).toBe(401);
  });

  it('a session past its absolute lifetime ends its access tokens too', async () => {
    const citizen = await registerCitizen(t);
    expect((await me(citizen.accessToken)).status).toBe(200);
    await t.app.db.em
      .fork()
      .execute(`update refresh_tokens set expires_at = ? where user_id = ?`, [
        new Date(clock.now().getTime() + 60_000),
        citizen.id,
      ]);
    expect((await me(citizen.accessToken)).status).toBe(200);
    clock.advance(61_000);
    expect((await me(citizen.accessToken)).status).toBe(401);
  });
});

describe('sign-in throttling (kept in the database)', () => {
  it('locks one login from one address after repeated failures, with Retry-After, progressively; a success resets it', async () => {
    const citizen = await registerCitizen(t);
    const attempt = (password: string) =>
      postJson(t, '/v1/auth/token', { grant_type: 'password', username: citizen.input.email, password });

    expect((await attempt('wrong-1-wrong')).status).toBe(400);
    expect((await attempt('wrong-2-wrong')).status).toBe(400);
    expect((await attempt(citizen.input.password)).status).toBe(200);
    // The success reset the counter: two more failures are still plain 400s.
    expect((await attempt('wrong-3-wrong')).status).toBe(400);
    expect((await attempt('wrong-4-wrong')).status).toBe(400);
    const locked = await attempt('wrong-5-wrong');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
    expect(await locked.json()).toMatchObject({ error: 'slow_down' });
    // Even the right password waits while locked.
    expect((await attempt(citizen.input.password)).status).toBe(429);

    // Progressive: after the lock expires, the next failure locks for twice as long.
    await t.app.db.em
      .fork()
      .execute(`update throttles set locked_until = ? where key = ?`, [
        new Date(clock.now().getTime() - 1000),
        `login:account:${citizen.id}`,
      ]);
    const again = await attempt('wrong-6-wrong');
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThanOrEqual(119);
  });

  describe('per account and per address, whatever login or address the attempts use (issue 15 §9)', () => {
    let proxied: TestApp;
    beforeAll(async () => {
      // Behind a trusted proxy the client address comes from X-Forwarded-For, so one test plays many addresses.
      proxied = await startTestApp({
        env: {
          LOGIN_MAX_FAILURES: '3',
          LOGIN_LOCK_SECONDS: '60',
          LOGIN_MAX_FAILURES_PER_ADDRESS: '4',
          TRUSTED_PROXIES: '127.0.0.1',
        },
      });
    });
    afterAll(async () => {
      await proxied.close();
    });
    const attempt = (username: string, password: string, address: string) =>
      postJson(proxied, '/v1/auth/token', { grant_type: 'password', username, password }, { 'x-forwarded-for': address });

    it('counts the CPF and the e-mail of one account together, from any address', async () => {
      const citizen = await registerCitizen(proxied);
      const punctuated = citizen.input.cpf.replace(/^(\d{3})(\d{3})(\d{3})(\d{2})$/, '$1.$2.$3-$4');
      expect((await attempt(citizen.input.email, 'wrong-1-wrong', '203.0.113.1')).status).toBe(400);
      expect((await attempt(citizen.input.cpf, 'wrong-2-wrong', '203.0.113.2')).status).toBe(400);
      const third = await attempt(punctuated, 'wrong-3-wrong', '203.0.113.3');
      expect(third.status).toBe(429);
      expect(await third.json()).toMatchObject({ error: 'slow_down' });
      // Locked for the account, from a fresh address and with the right password too.
      expect((await attempt(citizen.input.email.toUpperCase(), citizen.input.password, '203.0.113.4')).status).toBe(429);
      const keys = await proxied.app.db.em.fork().execute<{ key: string }[]>('select key from throttles');
      // No CPF or e-mail in the counters' keys.
      expect(JSON.stringify(keys)).not.toContain(citizen.input.cpf);
      expect(JSON.stringify(keys).toLowerCase()).not.toContain(citizen.input.email.toLowerCase());
    });

    it('counts an unknown login by the text typed, with the same answers as a known one', async () => {
      const statuses: number[] = [];
      for (const address of ['203.0.113.21', '203.0.113.22', '203.0.113.23']) {
        statuses.push((await attempt('ninguem.aqui@example.com', 'wrong password', address)).status);
      }
      expect(statuses).toEqual([400, 400, 429]);
    });

    it('counts every account an address tries; a success takes back only its own attempt', async () => {
      const address = '198.51.100.9';
      const own = await registerCitizen(proxied);
      const victims = await Promise.all([1, 2, 3, 4].map(() => registerCitizen(proxied)));
      expect((await attempt(victims[0].input.email, 'guess-guess-1', address)).status).toBe(400);
      expect((await attempt(victims[1].input.email, 'guess-guess-2', address)).status).toBe(400);
      expect((await attempt(victims[2].input.email, 'guess-guess-3', address)).status).toBe(400);
      // The attacker's own good password does not clear the address's failures...
      expect((await attempt(own.input.email, own.input.password, address)).status).toBe(200);
      // ...so the fourth failure of the address locks it, for every account.
      expect((await attempt(victims[3].input.email, 'guess-guess-4', address)).status).toBe(429);
      expect((await attempt(own.input.email, own.input.password, address)).status).toBe(429);
      // Other addresses are not affected, nor are the accounts tried once each.
      expect((await attempt(victims[0].input.email, victims[0].input.password, '198.51.100.10')).status).toBe(200);
    });
  });

  it('throttles password-recovery requests too', async () => {
    const citizen = await registerCitizen(t);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await postJson(t, '/v1/auth/password/forgot', { login: citizen.input.cpf })).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
  });
});

describe('password recovery through a real SMTP server', () => {
  it('mails a single-use link, resets the password and ends every session', async () => {
    const received: string[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, callback) {
        let data = '';
        stream.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
        stream.on('end', () => {
          received.push(data);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as { port: number }).port;
    const mailApp = await startTestApp({
      env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Carteira <nao-responda@carteira.rio>' },
    });
    try {
      const citizen = await registerCitizen(mailApp);
      expect((await postJson(mailApp, '/v1/auth/password/forgot', { login: citizen.input.email })).status).toBe(202);
      expect((await postJson(mailApp, '/v1/auth/password/forgot', { login: 'ninguem@example.com' })).status).toBe(202);
      expect(received).toHaveLength(1);
      const mail = received[0].replace(/=\r?\n/g, '');
      expect(mail).toContain(citizen.input.email);
      // The body is quoted-printable: "Código" arrives as "C=C3=B3digo".
      const token = /digo: ([A-Za-z0-9_-]{20,})/.exec(mail)![1];

      // Verified once before the reset (so remembered by the bearer-token cache): it must still end with the reset.
      const me = () => mailApp.fetch('/v1/me', { headers: citizen.auth });
      expect((await me()).status).toBe(200);
      const weak = await postJson(mailApp, '/v1/auth/password/reset', { token, newPassword: '12345678' });
      expect(weak.status).toBe(422);
      const reset = await postJson(mailApp, '/v1/auth/password/reset', { token, newPassword: 'a brand new passphrase' });
      expect(reset.status).toBe(204);
      expect((await postJson(mailApp, '/v1/auth/password/reset', { token, newPassword: 'another new passphrase' })).status).toBe(
        422,
      );

      expect((await me()).status).toBe(401);
      const oldSession = await postJson(mailApp, '/v1/auth/token', {
        grant_type: 'refresh_token',
        refresh_token: citizen.refreshToken,
      });
      expect(oldSession.status).toBe(400);
      await expect(signIn(mailApp, citizen.input.email, citizen.input.password)).rejects.toThrow();
      await signIn(mailApp, citizen.input.email, 'a brand new passphrase');
      const stored = await mailApp.app.db.em.fork().execute('select token_hash from password_reset_tokens');
      expect(JSON.stringify(stored)).not.toContain(token);
    } finally {
      await mailApp.close();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });
});

describe('audit trail', () => {
  it('records sign-in success and failure with address and request id, never secrets', async () => {
    const citizen = await registerCitizen(t);
    await postJson(
      t,
      '/v1/auth/token',
      { grant_type: 'password', username: citizen.input.email, password: 'nope nope nope' },
      { 'x-request-id': 'audit-fail-1' },
    );
    const failures = await auditEvents('sign_in_failed');
    const mine = failures.find((e) => e.request_id === 'audit-fail-1')!;
    expect(mine).toMatchObject({ subject_id: citizen.id, address: '127.0.0.1' });
    expect((await auditEvents('sign_in_succeeded')).some((e) => e.actor_id === citizen.id)).toBe(true);
    const all = JSON.stringify(await t.app.db.em.fork().execute('select * from audit_events'));
    expect(all).not.toContain(citizen.input.password);
    expect(all).not.toContain('nope nope nope');
    expect(all).not.toContain(citizen.refreshToken);
  });
});
