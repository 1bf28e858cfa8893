import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeConnector } from '../support/fake-connector';
import {
  createDocument,
  firstCardId,
  postJson,
  registerAdmin,
  registerCitizen,
  sampleFiles,
  uploadDocumentFile,
  type SignedInCitizen,
} from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { startPixEnvironment, type PixEnvironment } from '../support/pix';

/**
 * Every route of the OpenAPI description that takes a record's id and a citizen's bearer token is tried with another
 * citizen's ids: the answer is 404 (the record is not theirs, exactly as if it did not exist), or 403 on admin-only
 * routes. The list of routes comes from the generated spec, so a new id route fails this test until it is given a
 * sample request below (and so is checked) or listed as an exception with the reason.
 *
 * Each sample is then sent by the record's owner (or the admin), who must get a success: the refusal above came from
 * the access rule, not from a malformed sample. Routes registered on the server outside the spec are found in its route
 * table, so one taking an id cannot ship unchecked either.
 */

type Ids = {
  cardId: string;
  documentId: string;
  shareId: string;
  channelId: string;
  faqId: string;
  userId: string;
  orderId: string;
};

interface Sample {
  body?: unknown;
  file?: boolean;
  headers?: Record<string, string>;
  /** The owner's expected success status. */
  ok: number;
}

/**
 * Keyed by `METHOD path` as the spec names them. Ordered: the owner's calls run in this order, so the destructive ones
 * come after the reads and changes that need the record.
 */
const SAMPLES: Record<string, Sample> = {
  'GET /v1/cards/{id}': { ok: 200 },
  'GET /v1/cards/{id}/transactions': { ok: 200 },
  'POST /v1/cards/{id}/recharges': { body: { amountCents: 500 }, headers: { 'idempotency-key': 'k-recharge' }, ok: 201 },
  'POST /v1/cards/{id}/debits': { body: { amountCents: 100 }, headers: { 'idempotency-key': 'k-debit' }, ok: 201 },
  'POST /v1/cards/{id}/recharge-orders': { body: { amountCents: 500 }, headers: { 'idempotency-key': 'k-order' }, ok: 201 },
  'GET /v1/cards/{id}/recharge-orders': { ok: 200 },
  'GET /v1/recharge-orders/{id}': { ok: 200 },
  'POST /v1/cards/{id}/block': { body: { reason: 'lost' }, headers: { 'idempotency-key': 'k-block' }, ok: 200 },
  'POST /v1/cards/{id}/replacement': { ok: 201 },
  'GET /v1/documents/{id}': { ok: 200 },
  'PATCH /v1/documents/{id}': { body: { label: 'Meu passaporte' }, ok: 200 },
  'PUT /v1/documents/{id}/file': { file: true, ok: 200 },
  'GET /v1/documents/{id}/file': { ok: 200 },
  'POST /v1/documents/{id}/shares': { body: { ttlMinutes: 60 }, ok: 201 },
  'GET /v1/documents/{id}/shares': { ok: 200 },
  'DELETE /v1/documents/{id}/shares/{shareId}': { ok: 204 },
  'DELETE /v1/documents/{id}/file': { ok: 204 },
  'DELETE /v1/documents/{id}': { ok: 204 },
  'DELETE /v1/me/channels/{id}': { ok: 204 },
  'GET /v1/faq/{id}': { ok: 200 },
  'PATCH /v1/faq/{id}': { body: { active: false }, ok: 200 },
  'DELETE /v1/faq/{id}': { ok: 204 },
  'GET /v1/users/{id}': { ok: 200 },
  'PATCH /v1/users/{id}': { body: { fullName: 'Maria Souza' }, ok: 200 },
  'DELETE /v1/users/{id}': { ok: 204 },
};

/** Id routes with a citizen's bearer that are not about another citizen's record, and where that is tested instead. */
const EXCEPTIONS: Record<string, string> = {
  'POST /v1/admin/jobs/{id}/retry':
    "a background job is no citizen's record; the admin-only rule (403 for a citizen, 404 for an unknown id) is tested in tests/integration/jobs.test.ts",
  'POST /v1/admin/jobs/{id}/discard':
    "a background job is no citizen's record; the admin-only rule (403 for a citizen, 404 for an unknown id) is tested in tests/integration/jobs.test.ts",
  'DELETE /v1/me/identities/{provider}':
    'the parameter names a sign-in provider of the caller, not a record id (tests/integration/social-login.test.ts)',
  'POST /v1/me/identities/{provider}':
    'the parameter names a sign-in provider of the caller, not a record id (tests/integration/social-login.test.ts)',
};
/**
 * Every other route the running server registers with a path parameter: its credential is not a citizen's bearer on
 * another citizen's record, so it is not tried above. Each says why and where its own credential is tested. Read
 * against the server's route table, so a route added outside the spec (straight on restify) fails this test too until
 * it is listed here or described in the spec.
 */
const OTHER_CREDENTIALS: Record<string, string> = {
  'GET /v1/verify/:token':
    'the verification token is the credential, no bearer (tests/integration/documents.test.ts: verification links)',
  'GET /v3/directline/conversations/:id':
    'a Direct Line token bound to the conversation, not a bearer (tests/integration/directline.test.ts: a token of another conversation -> 403)',
  'GET /v3/directline/conversations/:id/activities':
    'a Direct Line token bound to the conversation, not a bearer (tests/integration/directline.test.ts: a token of another conversation -> 403)',
  'POST /v3/directline/conversations/:id/activities':
    'a Direct Line token bound to the conversation, not a bearer (tests/integration/directline.test.ts: a token of another conversation -> 403)',
  'POST /v3/directline/conversations/:id/upload':
    'a Direct Line token bound to the conversation, not a bearer (tests/integration/directline.test.ts: an upload with a token of another conversation stores nothing)',
  'GET /docs/:file': 'a static asset of the API documentation, no record and no credential',
};

interface Operation {
  key: string;
  method: string;
  path: string;
  adminOnly: boolean;
}

function idRoutesWithBearer(): Operation[] {
  const spec = JSON.parse(readFileSync(join(__dirname, '../../api/generated/openapi.json'), 'utf8')) as {
    paths: Record<string, Record<string, { security?: Array<Record<string, string[]>> }>>;
  };
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    if (!path.includes('{')) continue;
    for (const [method, operation] of Object.entries(methods)) {
      const jwt = operation.security?.find((requirement) => 'jwt' in requirement)?.jwt;
      if (!jwt) continue;
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        adminOnly: jwt.includes('admin'),
      });
    }
  }
  return operations;
}

let t: TestApp;
let pix: PixEnvironment;
let connector: FakeConnector;
let owner: SignedInCitizen;
let other: SignedInCitizen;
let admin: SignedInCitizen;
let ids: Ids;

async function linkChannel(citizen: SignedInCitizen): Promise<string> {
  const { code } = (await (await t.fetch('/v1/bot/link-codes', { method: 'POST', headers: citizen.auth })).json()) as {
    code: string;
  };
  const res = await postJson(
    t,
    '/api/messages',
    connector.message({ conversation: 'access-conv', user: 'access-user', text: `vincular ${code}` }),
  );
  expect(res.status).toBe(200);
  const list = (await (await t.fetch('/v1/me/channels', { headers: citizen.auth })).json()) as {
    items: Array<{ id: string }>;
  };
  return list.items[0].id;
}

beforeAll(async () => {
  connector = new FakeConnector();
  await connector.start();
  // Pix recharge orders need a payment provider: the stand-in, over mutual TLS.
  pix = await startPixEnvironment();
  t = await startTestApp({ env: pix.env });
  owner = await registerCitizen(t);
  other = await registerCitizen(t);
  admin = await registerAdmin(t);
  const documentId = (await createDocument(t, owner)).id;
  expect((await uploadDocumentFile(t, owner, documentId, sampleFiles.pdf())).status).toBe(200);
  const share = (await (await postJson(t, `/v1/documents/${documentId}/shares`, { ttlMinutes: 30 }, owner.auth)).json()) as {
    id: string;
  };
  const created = await postJson(
    t,
    '/v1/faq',
    {
      slug: 'teste-de-acesso',
      question: 'Como funciona o teste de acesso?',
      answer: 'Cada rota é tentada por outra pessoa.',
    },
    admin.auth,
  );
  expect(created.status).toBe(201);
  const faq = (await created.json()) as { id: string };
  const cardId = await firstCardId(t, owner);
  const order = await postJson(
    t,
    `/v1/cards/${cardId}/recharge-orders`,
    { amountCents: 300 },
    {
      ...owner.auth,
      'idempotency-key': 'access-order',
    },
  );
  expect(order.status).toBe(201);
  ids = {
    cardId,
    documentId,
    shareId: share.id,
    channelId: await linkChannel(owner),
    faqId: faq.id,
    userId: owner.id,
    orderId: ((await order.json()) as { id: string }).id,
  };
  // Registering three accounts (argon2), a channel link and a Pix charge over mutual TLS: slow on a busy machine.
}, 90_000);
afterAll(async () => {
  await t.close();
  await pix.close();
  await connector.stop();
});

function pathFor(path: string): string {
  return path
    .replace('/cards/{id}', `/cards/${ids.cardId}`)
    .replace('/recharge-orders/{id}', `/recharge-orders/${ids.orderId}`)
    .replace('/documents/{id}', `/documents/${ids.documentId}`)
    .replace('{shareId}', ids.shareId)
    .replace('/channels/{id}', `/channels/${ids.channelId}`)
    .replace('/faq/{id}', `/faq/${ids.faqId}`)
    .replace('/users/{id}', `/users/${ids.userId}`);
}

function send(operation: Operation, sample: Sample, as: SignedInCitizen, keySuffix: string): Promise<Response> {
  const headers: Record<string, string> = { ...as.auth };
  for (const [name, value] of Object.entries(sample.headers ?? {})) headers[name] = `${value}-${keySuffix}`;
  let body: FormData | string | undefined;
  if (sample.file) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(sampleFiles.pdf())]), 'documento.pdf');
    body = form;
  } else if (sample.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(sample.body);
  }
  return t.fetch(pathFor(operation.path), { method: operation.method, headers, body });
}

describe('every id route with a citizen bearer is checked against another citizen', () => {
  const operations = idRoutesWithBearer();

  it('finds the id routes in the spec, and each has a sample request or a documented exception', () => {
    expect(operations.length).toBeGreaterThanOrEqual(Object.keys(SAMPLES).length);
    const unchecked = operations.map((o) => o.key).filter((key) => !(key in SAMPLES) && !(key in EXCEPTIONS));
    expect(unchecked).toEqual([]);
    const stale = [...Object.keys(SAMPLES), ...Object.keys(EXCEPTIONS)].filter((key) => !operations.some((o) => o.key === key));
    expect(stale).toEqual([]);
  });

  it('finds every route of the running server that takes a path parameter among the routes above or the other credentials', () => {
    const checked = new Set(operations.map((o) => `${o.method} ${o.path.replace(/\{(\w+)\}/g, ':$1')}`));
    // restify's route table, by route name: the routes as registered, whichever edge registered them.
    const table = t.app.server.router.getDebugInfo() as Record<string, { method: string; path: string }>;
    const registered = Object.values(table)
      .filter((route) => route.path.includes(':'))
      .map((route) => `${route.method.toUpperCase()} ${route.path}`);
    expect(registered.length).toBeGreaterThan(checked.size);
    expect(registered.filter((key) => !checked.has(key) && !(key in OTHER_CREDENTIALS))).toEqual([]);
    expect(Object.keys(OTHER_CREDENTIALS).filter((key) => !registered.includes(key))).toEqual([]);
  });

  it("answers another citizen 404 (403 on admin-only routes) and leaves the owner's records as they were", async () => {
    const before = await (await t.fetch(`/v1/cards/${ids.cardId}`, { headers: owner.auth })).json();
    const refused: Record<string, number> = {};
    const expected: Record<string, number> = {};
    for (const key of Object.keys(SAMPLES)) {
      const operation = operations.find((o) => o.key === key);
      if (!operation) continue;
      const res = await send(operation, SAMPLES[key], other, 'other');
      refused[key] = res.status;
      expected[key] = operation.adminOnly ? 403 : 404;
      if (res.status === 404) {
        expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      }
    }
    expect(refused).toEqual(expected);
    expect(await (await t.fetch(`/v1/cards/${ids.cardId}`, { headers: owner.auth })).json()).toEqual(before);
    expect((await t.fetch(`/v1/documents/${ids.documentId}/shares`, { headers: owner.auth })).status).toBe(200);
  });

  it('lets the owner (or an admin, on admin-only routes) make the same requests', async () => {
    const answered: Record<string, number> = {};
    const expected: Record<string, number> = {};
    for (const key of Object.keys(SAMPLES)) {
      const operation = operations.find((o) => o.key === key);
      if (!operation) continue;
      const res = await send(operation, SAMPLES[key], operation.adminOnly ? admin : owner, 'owner');
      answered[key] = res.status;
      expected[key] = SAMPLES[key].ok;
    }
    expect(answered).toEqual(expected);
  });
});
