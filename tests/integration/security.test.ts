import type { Request, Response } from 'restify';
import { buildApp } from '../../src/main';
import { createLogger } from '../../src/shared/logger';
import { createHttpServer } from '../../api/http/server';
import { applySecurity } from '../../api/http/security';
import { startTestApp, type TestApp } from '../support/test-app';
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
      const server = createHttpServer({ config: t.app.config, logger, orm: t.app.db.orm });
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

    it('never limits probes, scraping or Direct Line polling', async () => {
      expect((await t.fetch('/health')).status).toBe(200);
      expect((await t.fetch('/ready')).status).toBe(200);
      expect((await t.fetch('/metrics')).status).toBe(200);
      expect((await t.fetch('/v3/directline/conversations/x/activities')).status).not.toBe(429);
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
