import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/shared/logger';
import { startTestApp, type TestApp } from '../support/test-app';
import { buildCitizen, postJson, registerCitizen } from '../support/factories';
import { startLocalGoogle, type LocalGoogle } from '../support/oidc-google';
import { startLocalMeta, type LocalMeta } from '../support/meta-graph';
import { TestBrowser } from '../support/oidc-browser';

const logLines: string[] = [];
const logStream = new Writable({
  write(chunk: Buffer, _encoding, callback) {
    logLines.push(chunk.toString('utf8'));
    callback();
  },
});
/** Codes, states and tokens seen during the tests: none may appear in the logs. */
const secretsSeen = new Set<string>();

let google: LocalGoogle;
let meta: LocalMeta;
let t: TestApp;
let sequence = 0;

/** A port nobody listens on now: the app must know its public origin (the redirect URIs) before it starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startSocialApp(
  google_: LocalGoogle | null,
  meta_: LocalMeta | null,
  extra: Record<string, string> = {},
): Promise<TestApp> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = { PORT: String(port), PUBLIC_BASE_URL: base, SOCIAL_ALLOW_INSECURE_HTTP: 'true', ...extra };
  if (google_) {
    Object.assign(env, {
      GOOGLE_CLIENT_ID: google_.clientId,
      GOOGLE_CLIENT_SECRET: google_.clientSecret,
      GOOGLE_ISSUER_URL: google_.issuer,
    });
    google_.register(`${base}/v1/auth/google/callback`);
  }
  if (meta_) {
    Object.assign(env, {
      META_APP_ID: meta_.appId,
      META_APP_SECRET: meta_.appSecret,
      META_GRAPH_URL: meta_.graphUrl,
      META_DIALOG_URL: meta_.dialogUrl,
    });
    meta_.redirectUri = `${base}/v1/auth/meta/callback`;
  }
  return startTestApp({ env, logger: createLogger('info', logStream) });
}

beforeAll(async () => {
  google = await startLocalGoogle();
  meta = await startLocalMeta();
  t = await startSocialApp(google, meta);
});
afterAll(async () => {
  await t?.close();
  await google?.close();
  await meta?.close();
});
afterEach(() => {
  google.tamper = null;
});

function newGoogleAccount(email?: string) {
  sequence += 1;
  google.nextAccount = {
    sub: `1089${process.pid}${sequence}${Date.now()}`,
    email: email ?? `g.${process.pid}.${sequence}@gmail.com`,
  };
  return google.nextAccount;
}

function newMetaUser(email?: string) {
  sequence += 1;
  meta.nextUser = {
    id: `1000${process.pid}${sequence}${Date.now()}`,
    name: 'Maria da Silva',
    email: email ?? `m.${process.pid}.${sequence}@example.com`,
  };
  return meta.nextUser;
}

function remember(urls: URL[]): void {
  for (const url of urls) {
    for (const name of ['code', 'state', 'nonce', 'code_challenge']) {
      const value = url.searchParams.get(name);
      if (value) secretsSeen.add(value);
    }
  }
}

async function readJson(res: Response): Promise<Record<string, string>> {
  const body = (await res.json()) as Record<string, string>;
  for (const key of ['access_token', 'refresh_token', 'signupTicket']) if (body[key]) secretsSeen.add(body[key]);
  return body;
}

/** A whole sign-in in a fresh browser: app -> provider -> app callback. */
async function signIn(app: TestApp, provider: 'google' | 'meta', browser = new TestBrowser()) {
  const { res, urls } = await browser.follow(`${app.baseUrl}/v1/auth/${provider}`);
  remember(urls);
  return { res: res!, urls, browser };
}

/** Starts a flow and stops right before the provider's redirect reaches the app's callback. */
async function stopBeforeCallback(provider: 'google' | 'meta', browser = new TestBrowser()) {
  const { urls } = await browser.follow(`${t.baseUrl}/v1/auth/${provider}`, (next) => next.pathname.endsWith('/callback'));
  remember(urls);
  return { callbackUrl: urls[urls.length - 1], browser };
}

async function expectProblem(res: Response, status: number, type: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const body = (await res.json()) as { type: string; detail: string };
  expect(body.type).toBe(type);
  return body;
}

async function me(app: TestApp, accessToken: string) {
  const res = await app.fetch('/v1/me', { headers: { authorization: `Bearer ${accessToken}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { id: string; email: string };
}

async function identityRows(userId: string) {
  return t.app.db.em
    .fork()
    .execute('select provider, subject, email from user_identities where user_id = ? order by provider', [userId]);
}

describe('Google (OpenID Connect)', () => {
  it('asks for a code with PKCE S256, one-time state and nonce, the exact redirect URI, in a signed 10-minute cookie', async () => {
    const browser = new TestBrowser();
    const res = await browser.request(`${t.baseUrl}/v1/auth/google`);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin).toBe(google.issuer);
    expect(location.searchParams.get('response_type')).toBe('code');
    expect(location.searchParams.get('client_id')).toBe(google.clientId);
    expect(location.searchParams.get('redirect_uri')).toBe(`${t.baseUrl}/v1/auth/google/callback`);
    expect(location.searchParams.get('scope')).toBe('openid email profile');
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(location.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    remember([location]);
    const cookie = res.headers.getSetCookie().find((line) => line.startsWith('cdc_social='))!;
    expect(cookie).toMatch(/; path=\/v1\/auth/i);
    expect(cookie).toMatch(/; httponly/i);
    expect(cookie).toMatch(/; samesite=lax/i);
    const expires = new Date(/expires=([^;]+)/i.exec(cookie)![1]).getTime();
    expect(expires - Date.now()).toBeGreaterThan(9 * 60 * 1000);
    expect(expires - Date.now()).toBeLessThanOrEqual(10 * 60 * 1000 + 1000);
    expect(res.headers.getSetCookie().some((line) => line.startsWith('cdc_social.sig='))).toBe(true);
    // The verifier never leaves the server side of the flow: the cookie is signed, its content opaque to the provider.
    expect(location.href).not.toContain('code_verifier');
  });

  it('first sign-in gives a signup ticket; registering with it links the identity; the next sign-in returns tokens', async () => {
    const account = newGoogleAccount();
    const first = await signIn(t, 'google');
    expect(first.res.status).toBe(200);
    expect(first.res.headers.get('cache-control')).toBe('no-store');
    const ticket = await readJson(first.res);
    expect(ticket).toMatchObject({ email: account.email, provider: 'google' });
    expect(ticket.signupTicket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(ticket.expiresAt) - Date.now()).toBeGreaterThan(14 * 60 * 1000);
    // The app's flow cookie is gone after the callback.
    expect(first.browser.cookieNames(t.baseUrl)).toEqual([]);

    const registered = await postJson(
      t,
      '/v1/auth/register',
      buildCitizen({ email: account.email, signupTicket: ticket.signupTicket }),
    );
    expect(registered.status).toBe(201);
    const user = (await registered.json()) as { id: string; email: string };
    expect(user.email).toBe(account.email);
    expect(await identityRows(user.id)).toEqual([{ provider: 'google', subject: account.sub, email: account.email }]);
    const audit = await t.app.db.em
      .fork()
      .execute(`select event from audit_events where subject_id = ? and event = 'identity_linked'`, [user.id]);
    expect(audit).toHaveLength(1);

    const second = await signIn(t, 'google');
    expect(second.res.status).toBe(200);
    const tokens = await readJson(second.res);
    expect(Object.keys(tokens).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
    expect(tokens.token_type).toBe('Bearer');
    expect((await me(t, tokens.access_token)).id).toBe(user.id);
    // The refresh token is a normal session token.
    const refreshed = await postJson(t, '/v1/auth/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(refreshed.status).toBe(200);
  });

  it('a ticket works once, only for the e-mail the provider confirmed, and CPF and the rest are still required', async () => {
    const account = newGoogleAccount();
    const ticket = await readJson((await signIn(t, 'google')).res);

    const otherEmail = await postJson(t, '/v1/auth/register', buildCitizen({ signupTicket: ticket.signupTicket }));
    expect(otherEmail.status).toBe(422);
    expect(((await otherEmail.json()) as { errors: Array<{ field: string }> }).errors[0].field).toBe('email');

    const { cpf: _cpf, ...withoutCpf } = buildCitizen({ email: account.email, signupTicket: ticket.signupTicket });
    expect((await postJson(t, '/v1/auth/register', withoutCpf)).status).toBe(422);

    expect(
      (await postJson(t, '/v1/auth/register', buildCitizen({ email: account.email, signupTicket: ticket.signupTicket }))).status,
    ).toBe(201);
    const again = await postJson(
      t,
      '/v1/auth/register',
      buildCitizen({ email: account.email, signupTicket: ticket.signupTicket }),
    );
    expect(again.status).toBe(422);
    expect(((await again.json()) as { errors: Array<{ field: string }> }).errors[0].field).toBe('signupTicket');

    const forged = await postJson(t, '/v1/auth/register', buildCitizen({ signupTicket: 'not-a-ticket' }));
    expect(forged.status).toBe(422);
  });

  it('never takes over an existing account with the same e-mail', async () => {
    const citizen = await registerCitizen(t);
    newGoogleAccount(citizen.input.email);
    const { res } = await signIn(t, 'google');
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body.access_token).toBeUndefined();
    expect(body.signupTicket).toBeDefined();
    const taken = await postJson(
      t,
      '/v1/auth/register',
      buildCitizen({ email: citizen.input.email, signupTicket: body.signupTicket }),
    );
    expect(taken.status).toBe(409);
    expect(await identityRows(citizen.id)).toEqual([]);
    // The ticket was not spent by the failed registration, but it still cannot reach the existing account.
    const again = await signIn(t, 'google');
    expect((await readJson(again.res)).signupTicket).toBeDefined();
  });

  it('rejects an ID token with a wrong nonce, audience, issuer, signature or expiry (401, nothing created)', async () => {
    newGoogleAccount();
    // Wrong nonce: the provider signs whatever nonce it was asked for; the app expects the one in its cookie.
    const browser = new TestBrowser();
    const start = await browser.request(`${t.baseUrl}/v1/auth/google`);
    const authorize = new URL(start.headers.get('location')!);
    authorize.searchParams.set('nonce', 'a-nonce-the-app-never-issued-0123456789abcdef');
    const nonce = await browser.follow(authorize.href);
    remember(nonce.urls);
    await expectProblem(nonce.res!, 401, '/problems/social-login-unverified');

    const now = Math.floor(Date.now() / 1000);
    const cases: Array<NonNullable<LocalGoogle['tamper']>> = [
      { claims: (claims) => ({ ...claims, aud: 'someone-else.apps.googleusercontent.com' }) },
      { claims: (claims) => ({ ...claims, iss: 'https://accounts.google.com' }) },
      { claims: (claims) => ({ ...claims, iat: now - 7200, exp: now - 3600 }) },
      { foreignKey: true },
    ];
    for (const tamper of cases) {
      google.tamper = tamper;
      const { res } = await signIn(t, 'google');
      await expectProblem(res, 401, '/problems/social-login-unverified');
    }
    google.tamper = { claims: (claims) => claims };
    // The same re-signing with nothing changed passes: the failures above come from the checks, not from the harness.
    expect((await signIn(t, 'google')).res.status).toBe(200);
  });
});

describe('Meta (Facebook Login)', () => {
  it('first sign-in gives a ticket, registration links the identity, the next sign-in returns tokens (appsecret_proof sent)', async () => {
    const user = newMetaUser();
    const start = await new TestBrowser().request(`${t.baseUrl}/v1/auth/meta`);
    const dialog = new URL(start.headers.get('location')!);
    expect(dialog.href.startsWith(meta.dialogUrl)).toBe(true);
    expect(dialog.searchParams.get('redirect_uri')).toBe(`${t.baseUrl}/v1/auth/meta/callback`);
    expect(dialog.searchParams.get('state')).toMatch(/^.{20,}$/);
    expect(dialog.searchParams.get('scope')).toBe('email,public_profile');
    remember([dialog]);

    const first = await signIn(t, 'meta');
    expect(first.res.status).toBe(200);
    const ticket = await readJson(first.res);
    expect(ticket).toMatchObject({ email: user.email, provider: 'meta' });
    const registered = await postJson(
      t,
      '/v1/auth/register',
      buildCitizen({ email: user.email, signupTicket: ticket.signupTicket }),
    );
    expect(registered.status).toBe(201);
    const account = (await registered.json()) as { id: string };
    expect(await identityRows(account.id)).toEqual([{ provider: 'meta', subject: user.id, email: user.email }]);

    const second = await signIn(t, 'meta');
    const tokens = await readJson(second.res);
    expect((await me(t, tokens.access_token)).id).toBe(account.id);
    const profileCall = meta.requests.filter((url) => url.pathname.endsWith('/me')).pop()!;
    expect(profileCall.searchParams.get('appsecret_proof')).toMatch(/^[0-9a-f]{64}$/);
    expect(profileCall.searchParams.get('fields')).toBe('id,name,email');
  });

  it('a Meta user without an e-mail gets a ticket and registers with the e-mail they type', async () => {
    sequence += 1;
    meta.nextUser = { id: `2000${process.pid}${sequence}${Date.now()}`, name: 'Sem E-mail' };
    const ticket = await readJson((await signIn(t, 'meta')).res);
    expect(ticket.email).toBeUndefined();
    const registered = await postJson(t, '/v1/auth/register', buildCitizen({ signupTicket: ticket.signupTicket }));
    expect(registered.status).toBe(201);
  });

  it('never takes over an existing account with the same e-mail', async () => {
    const citizen = await registerCitizen(t);
    newMetaUser(citizen.input.email);
    const body = await readJson((await signIn(t, 'meta')).res);
    expect(body.access_token).toBeUndefined();
    const taken = await postJson(
      t,
      '/v1/auth/register',
      buildCitizen({ email: citizen.input.email, signupTicket: body.signupTicket }),
    );
    expect(taken.status).toBe(409);
    expect(await identityRows(citizen.id)).toEqual([]);
  });

  it('a spent code presented again with a fresh state is refused (400)', async () => {
    newMetaUser();
    const done = await signIn(t, 'meta');
    expect(done.res.status).toBe(200);
    await readJson(done.res);
    const usedCode = done.urls[done.urls.length - 1].searchParams.get('code')!;
    const browser = new TestBrowser();
    const start = await browser.request(`${t.baseUrl}/v1/auth/meta`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const replay = await browser.request(`${t.baseUrl}/v1/auth/meta/callback?code=${usedCode}&state=${state}`);
    await expectProblem(replay, 400, '/problems/social-login-rejected');
  });
});

describe('state and code checks', () => {
  it.each(['google', 'meta'] as const)('%s: missing, replayed or foreign state, or a replayed code -> 400', async (provider) => {
    if (provider === 'google') newGoogleAccount();
    else newMetaUser();

    // Missing state: the callback without the parameter, and the callback without this browser's cookie.
    const a = await stopBeforeCallback(provider);
    const withoutState = new URL(a.callbackUrl);
    withoutState.searchParams.delete('state');
    await expectProblem(await a.browser.request(withoutState.href), 400, '/problems/social-login-state');
    const b = await stopBeforeCallback(provider);
    await expectProblem(await new TestBrowser().request(b.callbackUrl.href), 400, '/problems/social-login-state');

    // Foreign state: browser C's cookie with browser D's state (and code).
    const c = await stopBeforeCallback(provider);
    const d = await stopBeforeCallback(provider);
    await expectProblem(await c.browser.request(d.callbackUrl.href), 400, '/problems/social-login-state');
    // D's own flow was not disturbed by that attempt.
    expect((await d.browser.request(d.callbackUrl.href)).status).toBe(200);

    // Replayed state: the same callback again in the same browser, after it succeeded.
    const e = await stopBeforeCallback(provider);
    expect((await e.browser.request(e.callbackUrl.href)).status).toBe(200);
    await expectProblem(await e.browser.request(e.callbackUrl.href), 400, '/problems/social-login-state');

    // Replayed code: a spent code presented with a fresh, valid state.
    const start = await e.browser.request(`${t.baseUrl}/v1/auth/${provider}`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    secretsSeen.add(state);
    const replayed = new URL(e.callbackUrl);
    replayed.searchParams.set('state', state);
    await expectProblem(await e.browser.request(replayed.href), 400, '/problems/social-login-rejected');
  });

  it('a callback with the provider error access_denied is a 400 problem', async () => {
    const a = await stopBeforeCallback('meta');
    const denied = new URL(`${t.baseUrl}/v1/auth/meta/callback`);
    denied.searchParams.set('error', 'access_denied');
    denied.searchParams.set('error_reason', 'user_denied');
    denied.searchParams.set('state', a.callbackUrl.searchParams.get('state')!);
    await expectProblem(await a.browser.request(denied.href), 400, '/problems/social-login-rejected');
  });
});

describe('linking from /v1/me/identities', () => {
  it('links, lists and unlinks Google and Meta for a signed-in citizen', async () => {
    const citizen = await registerCitizen(t);
    expect((await t.fetch('/v1/me/identities/google', { method: 'POST' })).status).toBe(401);

    const account = newGoogleAccount('outro.endereco@gmail.com');
    const browser = new TestBrowser();
    const started = await browser.request(`${t.baseUrl}/v1/me/identities/google`, { method: 'POST', headers: citizen.auth });
    expect(started.status).toBe(200);
    const { authorizationUrl } = (await started.json()) as { authorizationUrl: string };
    expect(new URL(authorizationUrl).origin).toBe(google.issuer);
    const linked = await browser.follow(authorizationUrl);
    remember(linked.urls);
    expect(linked.res!.status).toBe(200);
    expect(await linked.res!.json()).toEqual({ linked: 'google', email: account.email });

    newMetaUser();
    const metaBrowser = new TestBrowser();
    const metaStart = await metaBrowser.request(`${t.baseUrl}/v1/me/identities/meta`, { method: 'POST', headers: citizen.auth });
    const metaLinked = await metaBrowser.follow(((await metaStart.json()) as { authorizationUrl: string }).authorizationUrl);
    remember(metaLinked.urls);
    expect(metaLinked.res!.status).toBe(200);

    const list = await t.fetch('/v1/me/identities', { headers: citizen.auth });
    const items = ((await list.json()) as { items: Array<{ provider: string; email: string; linkedAt: string }> }).items;
    expect(items.map((item) => item.provider).sort()).toEqual(['google', 'meta']);
    expect(items.find((item) => item.provider === 'google')).toMatchObject({ email: account.email });

    // Signing in with the linked Google account opens this citizen's account.
    const tokens = await readJson((await signIn(t, 'google')).res);
    expect((await me(t, tokens.access_token)).id).toBe(citizen.id);

    // The same Google account cannot be linked to another citizen.
    const other = await registerCitizen(t);
    const otherBrowser = new TestBrowser();
    const otherStart = await otherBrowser.request(`${t.baseUrl}/v1/me/identities/google`, {
      method: 'POST',
      headers: other.auth,
    });
    const conflict = await otherBrowser.follow(((await otherStart.json()) as { authorizationUrl: string }).authorizationUrl);
    remember(conflict.urls);
    await expectProblem(conflict.res!, 409, '/problems/conflict');

    expect((await t.fetch('/v1/me/identities/google', { method: 'DELETE', headers: citizen.auth })).status).toBe(204);
    expect((await t.fetch('/v1/me/identities/google', { method: 'DELETE', headers: citizen.auth })).status).toBe(404);
    expect((await t.fetch('/v1/me/identities/twitter', { method: 'DELETE', headers: citizen.auth })).status).toBe(404);
    const after = (await (await t.fetch('/v1/me/identities', { headers: citizen.auth })).json()) as {
      items: Array<{ provider: string }>;
    };
    expect(after.items.map((item) => item.provider)).toEqual(['meta']);
    // Unlinked: the Google account is unknown again, so it gets a ticket, not this citizen's tokens.
    expect((await readJson((await signIn(t, 'google')).res)).signupTicket).toBeDefined();
    // The password still works.
    expect(
      (
        await postJson(t, '/v1/auth/token', {
          grant_type: 'password',
          username: citizen.input.email,
          password: citizen.input.password,
        })
      ).status,
    ).toBe(200);
  });

  it('the export lists the links and erasing the account removes them', async () => {
    const citizen = await registerCitizen(t);
    newMetaUser();
    const browser = new TestBrowser();
    const started = await browser.request(`${t.baseUrl}/v1/me/identities/meta`, { method: 'POST', headers: citizen.auth });
    const linked = await browser.follow(((await started.json()) as { authorizationUrl: string }).authorizationUrl);
    remember(linked.urls);
    expect(linked.res!.status).toBe(200);
    expect(await identityRows(citizen.id)).toHaveLength(1);
    const exported = (await (await t.fetch('/v1/me/export', { headers: citizen.auth })).json()) as {
      identities: Array<{ provider: string; email: string }>;
    };
    expect(exported.identities).toEqual([expect.objectContaining({ provider: 'meta', email: meta.nextUser.email })]);
    expect((await t.fetch('/v1/me', { method: 'DELETE', headers: citizen.auth })).status).toBe(204);
    expect(await identityRows(citizen.id)).toEqual([]);
  });
});

describe('front-end redirect, disabled providers, configuration', () => {
  it('redirects to the configured front end with the ticket, then the tokens, in the fragment', async () => {
    const frontend = 'https://carteira.rio/entrar';
    const google2 = await startLocalGoogle();
    const app = await startSocialApp(google2, null, { SOCIAL_FRONTEND_REDIRECT_URL: frontend });
    try {
      sequence += 1;
      google2.nextAccount = { sub: `fragment-${sequence}-${Date.now()}`, email: `frag.${process.pid}.${sequence}@gmail.com` };
      const stopAtFrontend = (next: URL) => next.origin === 'https://carteira.rio';
      const first = await new TestBrowser().follow(`${app.baseUrl}/v1/auth/google`, stopAtFrontend);
      remember(first.urls);
      const landing = first.urls[first.urls.length - 1];
      expect(`${landing.origin}${landing.pathname}`).toBe(frontend);
      expect(landing.search).toBe('');
      const fragment = new URLSearchParams(landing.hash.slice(1));
      secretsSeen.add(fragment.get('signupTicket')!);
      expect(fragment.get('email')).toBe(google2.nextAccount.email);
      const registered = await postJson(
        app,
        '/v1/auth/register',
        buildCitizen({ email: google2.nextAccount.email, signupTicket: fragment.get('signupTicket')! }),
      );
      expect(registered.status).toBe(201);

      const second = await new TestBrowser().follow(`${app.baseUrl}/v1/auth/google`, stopAtFrontend);
      remember(second.urls);
      const tokens = new URLSearchParams(second.urls[second.urls.length - 1].hash.slice(1));
      expect(tokens.get('token_type')).toBe('Bearer');
      secretsSeen.add(tokens.get('access_token')!);
      secretsSeen.add(tokens.get('refresh_token')!);
      expect((await me(app, tokens.get('access_token')!)).email).toBe(google2.nextAccount.email);
    } finally {
      await app.close();
      await google2.close();
    }
  });

  it('a provider without credentials answers 404 on every route', async () => {
    const app = await startSocialApp(null, null);
    try {
      for (const path of [
        '/v1/auth/google',
        '/v1/auth/google/callback?code=x&state=y',
        '/v1/auth/meta',
        '/v1/auth/meta/callback',
      ]) {
        await expectProblem(await app.fetch(path), 404, '/problems/not-found');
      }
      const citizen = await registerCitizen(app);
      await expectProblem(
        await app.fetch('/v1/me/identities/google', { method: 'POST', headers: citizen.auth }),
        404,
        '/problems/not-found',
      );
      const list = await app.fetch('/v1/me/identities', { headers: citizen.auth });
      expect(await list.json()).toEqual({ items: [] });
    } finally {
      await app.close();
    }
  });

  it('plain-http providers only with SOCIAL_ALLOW_INSECURE_HTTP, which production refuses', () => {
    expect(() => loadConfig({ GOOGLE_ISSUER_URL: 'http://127.0.0.1:9/' })).toThrow(/GOOGLE_ISSUER_URL/);
    expect(() => loadConfig({ META_GRAPH_URL: 'http://127.0.0.1:9/v21.0' })).toThrow(/META_GRAPH_URL/);
    expect(() => loadConfig({ NODE_ENV: 'production', SOCIAL_ALLOW_INSECURE_HTTP: 'true' })).toThrow(
      /SOCIAL_ALLOW_INSECURE_HTTP/,
    );
    const config = loadConfig({ PUBLIC_BASE_URL: 'https://carteira.rio', GOOGLE_CLIENT_ID: 'id' });
    expect(config.social.google).toBeUndefined();
    expect(config.social.callbackBaseUrl).toBe('https://carteira.rio');
  });
});

describe('logs', () => {
  it('contain no authorization code, state, nonce, ticket or token', () => {
    const text = logLines.join('');
    expect(text).toContain('/v1/auth/google/callback');
    expect(secretsSeen.size).toBeGreaterThan(20);
    for (const secret of secretsSeen) expect(text).not.toContain(secret);
  });
});
