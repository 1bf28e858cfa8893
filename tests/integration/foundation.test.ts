import { Writable } from 'node:stream';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { Request, Response } from 'restify';
import { createLogger } from '../../src/shared/logger';
import { startTestApp, type TestApp } from '../support/test-app';

const logLines: string[] = [];
const logStream = new Writable({
  write(chunk: Buffer, _encoding, callback) {
    logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    callback();
  },
});

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ logger: createLogger('info', logStream), env: { MAX_JSON_BODY_BYTES: '2048' } });
  // Routes that exist only in this test, mounted on the real server so they run through the real pipeline.
  t.app.server.get('/test/boom', async function boom() {
    throw new Error('database password is hunter2 at /srv/secret.ts:42');
  });
  t.app.server.post('/test/echo', async function echo(req: Request, res: Response) {
    res.json(200, { received: req.body as unknown });
  });
});
afterAll(async () => {
  await t.close();
});

async function expectProblem(res: globalThis.Response, status: number, type: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ type, status });
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  expect(body.requestId).toBe(res.headers.get('x-request-id'));
  return body;
}

describe('health and readiness', () => {
  it('GET /health answers 200', async () => {
    const res = await t.fetch('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /ready answers 200 when the database is reachable and migrated', async () => {
    const res = await t.fetch('/ready');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready' });
  });
});

describe('document types: one endpoint through every layer', () => {
  it('lists every supported type with pt-BR labels and rules', async () => {
    const res = await t.fetch('/v1/document-types');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: Array<Record<string, unknown>> };
    const codes = body.items.map((item) => item.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'cpf',
        'rg',
        'cnh',
        'titulo_eleitor',
        'cns',
        'certidao_nascimento',
        'passaporte',
        'comprovante_vacinacao',
        'outro',
      ]),
    );
    const cnh = body.items.find((item) => item.code === 'cnh')!;
    expect(cnh).toMatchObject({ expiresAt: 'required', requiresLabel: false });
    expect(String(cnh.label)).toContain('Habilitação');
  });
});

describe('errors are RFC 9457 problems in pt-BR', () => {
  it('404 for an unknown route', async () => {
    await expectProblem(await t.fetch('/v1/nada-aqui'), 404, '/problems/route-not-found');
  });

  it('405 for a known route with the wrong method', async () => {
    await expectProblem(await t.fetch('/v1/document-types', { method: 'DELETE' }), 405, '/problems/method-not-allowed');
  });

  it('400 for malformed JSON', async () => {
    const res = await t.fetch('/test/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a": ' });
    const body = await expectProblem(res, 400, '/problems/malformed-request');
    expect(body.detail).toMatch(/JSON/);
  });

  it('413 for a body over the limit, without reading it all', async () => {
    const res = await t.fetch('/test/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ big: 'x'.repeat(4096) }),
    });
    await expectProblem(res, 413, '/problems/payload-too-large');
  });

  it('415 for an unsupported content type', async () => {
    const res = await t.fetch('/test/echo', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'oi' });
    await expectProblem(res, 415, '/problems/unsupported-media-type');
  });

  it('accepts JSON and URL-encoded forms', async () => {
    const json = await t.fetch('/test/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(await json.json()).toEqual({ received: { a: 1 } });
    const form = await t.fetch('/test/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password&username=x',
    });
    expect(await form.json()).toEqual({ received: { grant_type: 'password', username: 'x' } });
  });

  it('500 is generic: no stack trace, no internal message, request id included and logged', async () => {
    const res = await t.fetch('/test/boom', { headers: { 'x-request-id': 'boom-123' } });
    const body = await expectProblem(res, 500, '/problems/internal-error');
    const text = JSON.stringify(body);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('secret.ts');
    expect(body.requestId).toBe('boom-123');
    expect(logLines.some((line) => line.includes('"requestId":"boom-123"') && line.includes('unexpected error'))).toBe(true);
  });
});

describe('request ids and access log', () => {
  it('generates a request id when none is sent and returns the one sent', async () => {
    const generated = await t.fetch('/health');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const given = await t.fetch('/health', { headers: { 'x-request-id': 'abc-42' } });
    expect(given.headers.get('x-request-id')).toBe('abc-42');
    const unsafe = await t.fetch('/health', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(unsafe.headers.get('x-request-id')).not.toBe('bad id with spaces');
  });

  it('writes one JSON access line per request with method, route, status, duration and request id', async () => {
    await t.fetch('/v1/document-types', { headers: { 'x-request-id': 'log-1', authorization: 'Bearer supersecret' } });
    const lines = logLines
      .filter((line) => line.includes('"requestId":"log-1"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'request', method: 'GET', route: '/v1/document-types', status: 200 });
    expect(typeof lines[0].durationMs).toBe('number');
    expect(logLines.join('\n')).not.toContain('supersecret');
  });
});

describe('the root and the trailing slashes a newcomer types', () => {
  it('GET / links to the API docs, the web chat and the health check, as a page or as JSON', async () => {
    const page = await t.fetch('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    for (const href of ['/docs/', '/chat', '/health']) expect(html).toContain(`href="${href}"`);
    const json = await t.fetch('/', { headers: { accept: 'application/json' } });
    const { links } = (await json.json()) as { links: Array<{ href: string }> };
    expect(links.map((link) => link.href)).toEqual(expect.arrayContaining(['/docs/', '/chat', '/health']));
    // Every link answers.
    for (const { href } of links) expect((await t.fetch(href)).status).toBe(200);
  });

  it('/chat/ redirects to /chat as /docs does to /docs/', async () => {
    const redirect = await t.fetch('/chat/', { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/chat');
  });
});

describe('API docs', () => {
  it('serves a valid OpenAPI 3 document', async () => {
    const res = await t.fetch('/openapi.json');
    expect(res.status).toBe(200);
    const spec = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toMatch(/^3\./);
    expect(spec.paths['/v1/document-types']).toBeDefined();
    // The sign-in with Google and Meta routes are plain restify handlers: documented through tsoa.json's spec merging.
    for (const path of ['/v1/auth/google', '/v1/auth/google/callback', '/v1/auth/meta', '/v1/auth/meta/callback']) {
      expect(spec.paths[path]).toHaveProperty('get');
    }
    expect(spec.paths['/v1/me/identities/{provider}']).toHaveProperty('post.security', [{ jwt: [] }]);
    expect(spec.paths['/v1/me/identities']).toHaveProperty('get');
    await expect(SwaggerParser.validate(structuredClone(spec) as never)).resolves.toBeDefined();
  });

  it("declares the OAuth2 password flow on /v1/auth/token, so Swagger UI's Authorize signs in", async () => {
    const spec = (await (await t.fetch('/openapi.json')).json()) as {
      components: { securitySchemes: Record<string, { type: string; flows?: { password?: { tokenUrl: string } } }> };
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    expect(spec.components.securitySchemes.jwt).toMatchObject({
      type: 'oauth2',
      flows: { password: { tokenUrl: '/v1/auth/token' } },
    });
    expect(spec.paths['/v1/me'].get.security).toEqual([{ jwt: [] }]);
  });

  it('serves Swagger UI from the installed package, with nothing from a CDN', async () => {
    const redirect = await t.fetch('/docs', { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/docs/');
    const page = await t.fetch('/docs/');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('swagger-ui-bundle.js');
    expect(html).not.toMatch(/(src|href)="https?:/);
    const bundle = await t.fetch('/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    const init = await (await t.fetch('/docs/swagger-initializer.js')).text();
    expect(init).toContain("url: '/openapi.json'");
    await expectProblem(await t.fetch('/docs/../../package.json'), 404, '/problems/route-not-found');
  });
});
