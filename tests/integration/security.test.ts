import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import type { Request, Response } from 'restify';
import { buildApp } from '../../src/main';
import { createLogger } from '../../src/shared/logger';
import { resolveSecrets } from '../../src/shared/secrets';
import { systemClock } from '../../src/shared/clock';
import { createHttpServer } from '../../http/server';
import { applySecurity } from '../../api/http/security';
import { startTestApp, type TestApp } from '../support/test-app';
import { postJson } from '../support/factories';
import { testDatabaseUrl } from '../setup/database';

/**
 * Protections every route gets: security headers, the CORS allow-list and the global per-address rate limit counted in
 * the database (so it holds across instances). The window is an hour so a test never straddles two windows.
 */

const ALLOWED = 'https://app.carteira.rio';

async function expectRateLimited(res: Response | globalThis.Response) {
  const response = res as globalThis.Response;
  expect(response.status).toBe(429);
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(Number(response.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(await response.json()).toMatchObject({ type: '/problems/rate-limited', status: 429 });
}

describe('security headers and CORS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: { PUBLIC_BASE_URL: 'https://carteira.rio', CORS_ALLOWED_ORIGINS: `${ALLOWED}, http://localhost:5173` },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('sends the security headers on every response, errors included', async () => {
    for (const path of ['/v1/document-types', '/nowhere', '/health']) {
      const res = await t.fetch(path);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      );
    }
  });

  it('lets Swagger UI load its own scripts and styles', async () => {
    const res = await t.fetch('/docs/');
    expect(res.status).toBe(200);
    const policy = res.headers.get('content-security-policy')!;
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self' 'unsafe-inline'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain("'unsafe-eval'");
  });

  it("gives the web chat's responses that set no policy of their own the chat page's default", async () => {
    const redirect = await t.fetch('/chat/', { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('content-security-policy')).toContain("connect-src 'self' ws: wss:");
    // A path that only starts like the page's is not under it.
    expect((await t.fetch('/chatter')).headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
  });

  it('keeps a policy a route sets itself', async () => {
    t.app.server.get('/test/own-policy', async function ownPolicy(_req: Request, res: Response) {
      res.header('Content-Security-Policy', "default-src 'self'");
      res.json(200, {});
    });
    const res = await t.fetch('/test/own-policy');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'self'");
  });

  it('answers an allowed origin with CORS headers and a refused one without', async () => {
    const allowed = await t.fetch('/v1/document-types', { headers: { origin: ALLOWED } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(allowed.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
    expect(allowed.headers.get('vary')).toMatch(/Origin/);

    const refused = await t.fetch('/v1/document-types', { headers: { origin: 'https://evil.example' } });
    expect(refused.status).toBe(200);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers preflights with 204, the methods and headers for an allowed origin only', async () => {
    const preflight = (origin: string) =>
      t.fetch('/v1/cards/0190c0de-0000-7000-8000-000000000000/recharges', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type, idempotency-key',
        },
      });
    const allowed = await preflight('http://localhost:5173');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    const headers = allowed.headers.get('access-control-allow-headers')!.toLowerCase();
    for (const name of ['authorization', 'content-type', 'idempotency-key', 'x-request-id']) expect(headers).toContain(name);

    const refused = await preflight('https://evil.example');
    expect(refused.status).toBe(204);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(refused.headers.get('access-control-allow-methods')).toBeNull();
  });
});

describe('global rate limit per client address', () => {
  const limited = { GLOBAL_RATE_LIMIT: '3', GLOBAL_RATE_WINDOW_SECONDS: '3600' };

  describe('without trusted proxies', () => {
    let t: TestApp;
    let second: { baseUrl: string; close(): Promise<void> };

    /**
     * A second instance on the same database. On PostgreSQL a whole second app; embedded PGlite cannot be opened twice,
     * so there the second instance is another HTTP server with the same protections over the first one's database.
     */
    async function startSecondInstance(): Promise<{ baseUrl: string; close(): Promise<void> }> {
      const logger = createLogger('silent');
      if (testDatabaseUrl()) {
        const app = await buildApp({ ...t.app.config }, { logger });
        const port = await app.listen();
        return { baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
      }
      const server = createHttpServer({
        config: t.app.config,
        logger,
        orm: t.app.db.orm,
        bearer: {
          jwtSecret: resolveSecrets(t.app.config, logger).jwtSecret,
          sessions: t.app.services.sessions,
          clock: systemClock,
        },
      });
      applySecurity(server, { config: t.app.config, logger, orm: t.app.db.orm });
      server.get('/v1/document-types', async function types(_req: Request, res: Response) {
        res.json(200, { items: [] });
      });
      await new Promise<void>((resolve) => {
        server.listen(0, '127.0.0.1', resolve);
      });
      return {
        baseUrl: `http://127.0.0.1:${server.address().port}`,
        close: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
          }),
      };
    }

    beforeAll(async () => {
      t = await startTestApp({ env: limited });
      second = await startSecondInstance();
    });
    afterAll(async () => {
      await second.close();
      await t.close();
    });

    it('holds across two instances on one database and answers 429 with Retry-After', async () => {
      const first = (path: string, init?: RequestInit) => t.fetch(path, init);
      const other = (path: string, init?: RequestInit) => fetch(second.baseUrl + path, init);
      expect((await first('/v1/document-types')).status).toBe(200);
      expect((await other('/v1/document-types')).status).toBe(200);
      expect((await first('/v1/document-types')).status).toBe(200);
      await expectRateLimited(await other('/v1/document-types'));
      await expectRateLimited(await first('/v1/document-types'));
    });

    it('does not believe X-Forwarded-For from a peer that is not a trusted proxy', async () => {
      await expectRateLimited(await t.fetch('/v1/document-types', { headers: { 'x-forwarded-for': '198.51.100.7' } }));
    });

    it('never limits probes, scraping, Direct Line polling or the channel endpoints', async () => {
      expect((await t.fetch('/health')).status).toBe(200);
      expect((await t.fetch('/ready')).status).toBe(200);
      expect((await t.fetch('/metrics')).status).toBe(200);
      expect((await t.fetch('/v3/directline/conversations/x/activities')).status).not.toBe(429);
      // Refused for what they are (not an activity, WhatsApp not configured), never for the global budget.
      expect((await postJson(t, '/api/messages', {})).status).toBe(400);
      expect((await t.fetch('/webhooks/whatsapp')).status).toBe(404);
      // The Direct Line token route is an API route like any other: it stays in the budget.
      await expectRateLimited(await t.fetch('/v1/bot/directline/token', { method: 'POST' }));
    });
  });

  // A single address, or a range as a Kubernetes ingress needs (its pods' addresses change, the pod network does not).
  describe.each(['127.0.0.1', '127.0.0.0/8'])('behind a trusted proxy (TRUSTED_PROXIES=%s)', (proxies) => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { ...limited, TRUSTED_PROXIES: proxies } });
    });
    afterAll(async () => {
      await t.close();
    });

    it('keys on the forwarded client address', async () => {
      const from = (address: string) => t.fetch('/v1/document-types', { headers: { 'x-forwarded-for': address } });
      for (let i = 0; i < 3; i++) expect((await from('203.0.113.10')).status).toBe(200);
      await expectRateLimited(await from('203.0.113.10'));
      // Another citizen behind the same proxy has a budget of their own.
      expect((await from('203.0.113.11')).status).toBe(200);
      // A client prepending a forged hop is still keyed on the address the proxy saw.
      await expectRateLimited(await from('10.9.9.9, 203.0.113.10'));
    });
  });
});

describe('over plain http, with the global limit turned off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { GLOBAL_RATE_LIMIT: '0' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('sends no HSTS', async () => {
    const res = await t.fetch('/health');
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('counts nothing when GLOBAL_RATE_LIMIT is 0', async () => {
    for (let i = 0; i < 5; i++) expect((await t.fetch('/v1/document-types')).status).toBe(200);
    const rows = await t.app.db.em
      .fork()
      .execute<{ n: number }[]>(`select count(*)::int as n from rate_limit_windows where starts_with(key, 'global:')`);
    expect(rows[0].n).toBe(0);
  });
});

/** A request sent exactly as written: fetch() would resolve `..` and `//` before sending, as browsers do. */
function rawGet(baseUrl: string, path: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: Number(port), path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('paths are canonical before any decision about them (issue 15 §8)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { GLOBAL_RATE_LIMIT: '3', GLOBAL_RATE_WINDOW_SECONDS: '3600' } });
  });
  afterAll(async () => {
    await t.close();
  });

  const bypasses = [
    '/v3/directline/../../v1/document-types',
    '/v3/directline/%2e%2e/%2e%2e/v1/document-types',
    '/v3/directline/%2E%2E/%2E%2E/v1/document-types',
    '/v3/directline/..%2f..%2fv1/document-types',
    '/v3/directline/..%2F..%2Fv1/auth/register',
    '/v3/directline//../../v1/document-types',
    '/v3/directline/./../../v1/document-types',
    '/v3/directline/..\\..\\v1/document-types',
    '//v1/document-types',
    '/./v1/document-types',
    '/v1/./document-types',
    '/v1/document-type%73',
    '/v1/document-types/.',
    '/v1/%64ocument-types',
    '/health/../v1/document-types',
    '/metrics/..',
  ];

  it('refuses a non-canonical path with a 400 problem, so the exempt prefix cannot skip the global limit', async () => {
    // Meaningful percent-encoding (a non-ASCII letter) is canonical and reaches its route.
    expect((await rawGet(t.baseUrl, '/v1/faq/search?q=cart%C3%A3o')).status).toBe(200);
    // The budget of 127.0.0.1 is spent on a canonical path...
    expect((await t.fetch('/v1/document-types')).status).toBe(200);
    expect((await t.fetch('/v1/document-types')).status).toBe(200);
    expect((await t.fetch('/v1/document-types')).status).toBe(429);
    // ...and no spelling of the route reaches it through Direct Line's exemption (or any other).
    for (const path of bypasses) {
      const res = await rawGet(t.baseUrl, path);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect(JSON.parse(res.body)).toMatchObject({ type: '/problems/malformed-request', status: 400 });
    }
    // Canonical paths under the exempt prefixes are still exempt.
    expect((await rawGet(t.baseUrl, '/v3/directline/conversations/x/activities')).status).not.toBe(429);
    expect((await rawGet(t.baseUrl, '/health')).status).toBe(200);
  });

  it('refuses a non-canonical WebSocket stream path too', async () => {
    const { port } = new URL(t.baseUrl);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port: Number(port),
        path: '/v3/directline/conversations/a/../b/stream?t=x',
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
          'sec-websocket-version': '13',
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('upgrade', (_res, socket) => {
        socket.destroy();
        resolve(101);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
  });
});

describe('the access log (issue 15 §9)', () => {
  it('redacts share tokens of /v1/verify/{token} like any other token', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        callback();
      },
    });
    const t = await startTestApp({ logger: createLogger('info', destination) });
    try {
      const token = 'Zm9vYmFyLXNoYXJlLXRva2VuLXRoYXQtbXVzdC1uZXZlci1iZS1sb2dnZWQ';
      const res = await t.fetch(`/v1/verify/${token}?x=1`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      await new Promise((resolve) => setImmediate(resolve));
      const requests = lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((entry) => entry.msg === 'request');
      const line = requests.find((entry) => String(entry.route).startsWith('/v1/verify'));
      expect(line).toMatchObject({ path: '/v1/verify/[redacted]', status: res.status });
      expect(lines.join('\n')).not.toContain(token);
    } finally {
      await t.close();
    }
  });
});
