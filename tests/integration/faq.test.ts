import { buildApp } from '../../src/main';
import { createLogger } from '../../src/shared/logger';
import { createMailer } from '../../src/shared/mailer';
import { FAQ_PUBLISHED_ENTRIES, FAQ_SEED_ENTRIES } from '../../src/faq/seed-entries';
import { RateLimiter } from '../../src/shared/rate-limiter';
import { RateLimitWindowsRepository } from '../../src/shared/rate-limit-windows.repository';
import { startTestApp, type TestApp } from '../support/test-app';
import { registerAdmin, registerCitizen, type SignedInCitizen } from '../support/factories';

const RATE_LIMIT = 5;
/** Windows are aligned on the clock: a day-long one makes a window boundary inside a test practically impossible. */
const RATE_WINDOW_SECONDS = 86_400;

interface SearchBody {
  confident: boolean;
  answer: { id: string; slug: string; question: string; answer: string; score: number } | null;
  suggestions: Array<{ id: string; slug: string; question: string; score: number }>;
  fallback: string;
}

interface EntryBody {
  id: string;
  slug: string;
  question: string;
  answer: string;
  alternatives: string[];
  tags: string[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

interface ProblemBody {
  type: string;
  status: number;
  errors?: Array<{ field: string; message: string }>;
}

/** A fetch-able app instance: `t` itself or a second instance on the same database. */
interface Instance {
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

let t: TestApp;
let admin: SignedInCitizen;
let citizen: SignedInCitizen;
let addressSequence = 0;

beforeAll(async () => {
  // The test's requests come from 127.0.0.1, trusted as a proxy here, so each test picks its client address (and so
  // its rate-limit bucket) with X-Forwarded-For.
  t = await startTestApp({
    env: {
      FAQ_SEARCH_RATE_LIMIT: String(RATE_LIMIT),
      FAQ_SEARCH_RATE_WINDOW_SECONDS: String(RATE_WINDOW_SECONDS),
      TRUSTED_PROXIES: '127.0.0.1',
    },
  });
  admin = await registerAdmin(t);
  citizen = await registerCitizen(t);
});
afterAll(async () => {
  await t.close();
});

/** A client address no other request of this file used. */
function freshAddress(): string {
  addressSequence += 1;
  return `10.0.${Math.floor(addressSequence / 250)}.${(addressSequence % 250) + 1}`;
}

function search(q: string | undefined, options: { instance?: Instance; address?: string } = {}): Promise<Response> {
  const query = q === undefined ? '' : `?q=${encodeURIComponent(q)}`;
  return (options.instance ?? t).fetch(`/v1/faq/search${query}`, {
    headers: { 'x-forwarded-for': options.address ?? freshAddress() },
  });
}

async function searchOk(q: string, instance?: Instance): Promise<SearchBody> {
  const res = await search(q, { instance });
  expect(res.status).toBe(200);
  return (await res.json()) as SearchBody;
}

function send(
  method: string,
  path: string,
  auth: Record<string, string> | undefined,
  body?: unknown,
  instance: Instance = t,
): Promise<Response> {
  return instance.fetch(path, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

let slugSequence = 0;
function newEntry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  slugSequence += 1;
  return {
    slug: `pergunta-de-teste-${slugSequence}`,
    question: 'Posso levar meu cachorro no VLT?',
    answer: 'Animais de pequeno porte podem viajar no VLT dentro de caixas de transporte; confira as regras no site do VLT.',
    alternatives: ['Animal de estimação pode andar no VLT?'],
    tags: ['vlt', 'animais'],
    ...overrides,
  };
}

async function createEntry(overrides: Record<string, unknown> = {}, instance: Instance = t): Promise<EntryBody> {
  const res = await send('POST', '/v1/faq', admin.auth, newEntry(overrides), instance);
  expect(res.status).toBe(201);
  return (await res.json()) as EntryBody;
}

/**
 * A second app instance on the same database as `t`, with its own services (and so its own in-memory FAQ index) and
 * its own HTTP server. With PostgreSQL it has its own connection pool, as in a multi-instance deployment. Embedded
 * PGlite is one process per database by design, so there the second instance shares `t`'s open database.
 */
async function startSecondInstance(): Promise<Instance & { close(): Promise<void> }> {
  const config = t.app.config;
  const logger = createLogger('silent');
  const mailer = createMailer(config.mail, logger, () => undefined);
  // Built by the app's own composition function. On PGlite the second instance shares t's open database.
  const database = config.database.kind === 'postgresql' ? undefined : t.app.db;
  const app = await buildApp(config, { logger, mailer, database });
  const port = await app.listen();
  return { fetch: (path, init) => fetch(`http://127.0.0.1:${port}${path}`, init), close: () => app.close() };
}

describe('the seeded knowledge base', () => {
  it('holds every seed entry, active, in seed order', async () => {
    const rows = await t.app.db.em
      .fork()
      .execute<Array<{ slug: string; active: boolean }>>('select slug, active from faq_entries order by id');
    expect(rows.map((row) => row.slug)).toEqual(FAQ_SEED_ENTRIES.map((entry) => entry.slug));
    expect(rows.every((row) => row.active)).toBe(true);
  });

  it('holds the phrasings every phrasing migration appended, as the published entries list them', async () => {
    const rows = await t.app.db.em
      .fork()
      .execute<Array<{ slug: string; alternatives: string[] }>>('select slug, alternatives from faq_entries order by id');
    expect(rows.map(({ slug, alternatives }) => ({ slug, alternatives }))).toEqual(
      FAQ_PUBLISHED_ENTRIES.map(({ slug, alternatives }) => ({ slug, alternatives })),
    );
  });
});

describe('GET /v1/faq/search', () => {
  it('answers a paraphrase confidently, with its score, related questions and the 1746 fallback, without signing in', async () => {
    const body = await searchOk('perdi meu cartão, como bloqueio?');
    expect(body.confident).toBe(true);
    expect(body.answer).toMatchObject({ slug: 'bloquear-cartao-perdido' });
    expect(body.answer!.answer.length).toBeGreaterThan(10);
    expect(body.answer!.score).toBeGreaterThan(0.5);
    expect(body.answer!.score).toBeLessThanOrEqual(1);
    expect(body.suggestions.map((s) => s.slug)).not.toContain('bloquear-cartao-perdido');
    for (const suggestion of body.suggestions)
      expect(Object.keys(suggestion).sort()).toEqual(['id', 'question', 'score', 'slug']);
    expect(body.fallback).toMatch(/1746/);
  });

  it('ignores accents and case', async () => {
    for (const q of ['PERDI MEU CARTAO COMO BLOQUEIO', 'pérdi meu cârtão como bloqueio']) {
      const body = await searchOk(q);
      expect(body.answer?.slug).toBe('bloquear-cartao-perdido');
    }
  });

  it('knows the synonyms of the card and of the documents', async () => {
    for (const q of ['perdi meu riocard como bloqueio', 'perdi meu passe como bloqueio']) {
      expect((await searchOk(q)).answer?.slug).toBe('bloquear-cartao-perdido');
    }
    expect((await searchOk('como tiro a segunda via da identidade')).answer?.slug).toBe('tirar-rg');
  });

  it('tolerates typos', async () => {
    expect((await searchOk('esquesi minha senha')).answer?.slug).toBe('recuperar-senha');
    expect((await searchOk('como recarega o cartao')).answer?.slug).toBe('recarregar-cartao');
  });

  it('gives no confident answer out of scope, but the three closest questions and the way to the 1746 central', async () => {
    const body = await searchOk('qual a previsão do tempo amanhã');
    expect(body.confident).toBe(false);
    expect(body.answer).toBeNull();
    expect(body.suggestions).toHaveLength(3);
    expect(body.fallback).toMatch(/Central 1746/);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['blank', '   '],
    ['longer than FAQ_QUERY_MAX_LENGTH', 'a'.repeat(201)],
  ])('answers 422 with a field error on q when it is %s', async (_name, q) => {
    const res = await search(q);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = (await res.json()) as ProblemBody;
    expect(body.errors?.map((e) => e.field)).toEqual(['q']);
  });

  it('accepts a question of exactly the maximum length', async () => {
    const res = await search(`perdi meu cartão ${'x'.repeat(200 - 17)}`);
    expect(res.status).toBe(200);
  });

  it('limits searches per client address, with Retry-After, without touching other addresses', async () => {
    const address = freshAddress();
    for (let i = 0; i < RATE_LIMIT; i++) expect((await search('saldo do cartão', { address })).status).toBe(200);
    const limited = await search('saldo do cartão', { address });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(RATE_WINDOW_SECONDS);
    expect(((await limited.json()) as ProblemBody).type).toBe('/problems/rate-limited');
    expect((await search('saldo do cartão')).status).toBe(200);
  });
});

describe('the database rate limiter', () => {
  const em = () => t.app.db.em.fork();
  const windows = () => new RateLimitWindowsRepository(t.app.db.em);

  it('counts hits per key within a window and says how long to wait once over the limit', async () => {
    const limiter = new RateLimiter('test-count', { limit: 2, windowSeconds: RATE_WINDOW_SECONDS }, windows());
    expect(await limiter.hit('a')).toBe(0);
    expect(await limiter.hit('a')).toBe(0);
    const wait = await limiter.hit('a');
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(RATE_WINDOW_SECONDS);
    expect(await limiter.hit('b')).toBe(0);
    await expect(limiter.consume('a')).rejects.toMatchObject({
      code: 'rate-limited',
      retryAfterSeconds: expect.any(Number),
    });
    // Another limiter never shares a bucket, even for the same key.
    expect(await new RateLimiter('test-other', { limit: 1, windowSeconds: 60 }, windows()).hit('a')).toBe(0);
  });

  it('keeps keys longer than the column apart by hashing them', async () => {
    const limiter = new RateLimiter('test-long', { limit: 1, windowSeconds: RATE_WINDOW_SECONDS }, windows());
    const long = 'k'.repeat(400);
    expect(await limiter.hit(`${long}1`)).toBe(0);
    expect(await limiter.hit(`${long}2`)).toBe(0);
    expect(await limiter.hit(`${long}1`)).toBeGreaterThan(0);
  });

  it("purges only its own windows that have ended, on the first hit of each window's length", async () => {
    let now = Date.now();
    const limiter = new RateLimiter('test-purge', { limit: 5, windowSeconds: 60 }, windows(), () => now);
    await em().execute(
      `insert into rate_limit_windows (key, window_start, count) values
         ('test-purge:old', now() - interval '2 minutes', 3),
         ('test-keep:old', now() - interval '2 minutes', 3)`,
    );
    expect(await limiter.hit('fresh')).toBe(0);
    const keys = async () =>
      (
        await em().execute<Array<{ key: string }>>(`select key from rate_limit_windows where key like 'test-%:%' order by key`)
      ).map((row) => row.key);
    expect(await keys()).toEqual(expect.arrayContaining(['test-keep:old', 'test-purge:fresh']));
    expect(await keys()).not.toContain('test-purge:old');

    // Within the same window length it does not purge again; after it, it does.
    await em().execute(
      `insert into rate_limit_windows (key, window_start, count) values ('test-purge:old', now() - interval '2 minutes', 1)`,
    );
    await limiter.hit('fresh');
    expect(await keys()).toContain('test-purge:old');
    now += 61_000;
    await limiter.hit('fresh');
    expect(await keys()).not.toContain('test-purge:old');
  });
});

describe('admin CRUD under /v1/faq', () => {
  const routes = (id: string): Array<[string, string, unknown]> => [
    ['GET', '/v1/faq', undefined],
    ['POST', '/v1/faq', newEntry()],
    ['GET', `/v1/faq/${id}`, undefined],
    ['PATCH', `/v1/faq/${id}`, { question: 'Outra pergunta qualquer?' }],
    ['DELETE', `/v1/faq/${id}`, undefined],
  ];

  it('answers 401 without a token and 403 to a citizen on every admin route, changing nothing', async () => {
    const entry = await createEntry();
    for (const [method, path, body] of routes(entry.id)) {
      const anonymous = await send(method, path, undefined, body);
      expect([method, path, anonymous.status]).toEqual([method, path, 401]);
      const forbidden = await send(method, path, citizen.auth, body);
      expect([method, path, forbidden.status]).toEqual([method, path, 403]);
      expect(((await forbidden.json()) as ProblemBody).type).toBe('/problems/forbidden');
    }
    const res = await send('GET', `/v1/faq/${entry.id}`, admin.auth);
    expect(await res.json()).toEqual(entry);
  });

  it('creates, reads, lists, updates and deletes an entry, and the search follows each change', async () => {
    const question = 'Posso levar meu papagaio no bondinho de Santa Teresa?';
    expect((await searchOk(question)).answer?.slug).not.toBe('pergunta-papagaio-bondinho');

    const res = await send(
      'POST',
      '/v1/faq',
      admin.auth,
      newEntry({
        slug: 'pergunta-papagaio-bondinho',
        question: `  ${question} `,
        alternatives: ['Ave pode andar no bondinho?'],
        tags: [' Bondinho ', 'animais'],
      }),
    );
    expect(res.status).toBe(201);
    const created = (await res.json()) as EntryBody;
    expect(res.headers.get('location')).toBe(`/v1/faq/${created.id}`);
    expect(created).toMatchObject({ slug: 'pergunta-papagaio-bondinho', question, tags: ['bondinho', 'animais'], active: true });
    expect(Object.keys(created).sort()).toEqual(
      ['active', 'alternatives', 'answer', 'createdAt', 'id', 'question', 'slug', 'tags', 'updatedAt'].sort(),
    );
    expect((await searchOk('papagaio no bondinho')).answer?.id).toBe(created.id);

    const read = await send('GET', `/v1/faq/${created.id}`, admin.auth);
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(created);

    const listed = (await (await send('GET', '/v1/faq?tag=bondinho', admin.auth)).json()) as { items: EntryBody[] };
    expect(listed.items.map((e) => e.id)).toEqual([created.id]);

    const patched = await send('PATCH', `/v1/faq/${created.id}`, admin.auth, {
      question: 'Posso levar minha arara no bondinho de Santa Teresa?',
      alternatives: [],
    });
    expect(patched.status).toBe(200);
    const updated = (await patched.json()) as EntryBody;
    expect(updated).toMatchObject({ slug: created.slug, question: 'Posso levar minha arara no bondinho de Santa Teresa?' });
    expect(updated.alternatives).toEqual([]);
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));
    expect((await searchOk('arara no bondinho')).answer?.id).toBe(created.id);

    const deleted = await send('DELETE', `/v1/faq/${created.id}`, admin.auth);
    expect(deleted.status).toBe(204);
    expect((await send('GET', `/v1/faq/${created.id}`, admin.auth)).status).toBe(404);
    expect((await send('DELETE', `/v1/faq/${created.id}`, admin.auth)).status).toBe(404);
    expect((await send('PATCH', `/v1/faq/${created.id}`, admin.auth, { active: true })).status).toBe(404);
    const after = await searchOk('arara no bondinho');
    expect(after.answer?.id).not.toBe(created.id);
    expect(after.suggestions.map((s) => s.id)).not.toContain(created.id);
  });

  it('never answers or suggests a deactivated entry, and answers it again once reactivated', async () => {
    const seeded = (await searchOk('esqueci minha senha')).answer!;
    expect(seeded.slug).toBe('recuperar-senha');

    const off = await send('PATCH', `/v1/faq/${seeded.id}`, admin.auth, { active: false });
    expect(off.status).toBe(200);
    expect(((await off.json()) as EntryBody).active).toBe(false);
    const body = await searchOk('esqueci minha senha');
    expect(body.answer?.id).not.toBe(seeded.id);
    expect(body.suggestions.map((s) => s.id)).not.toContain(seeded.id);

    const inactive = (await (await send('GET', '/v1/faq?active=false', admin.auth)).json()) as { items: EntryBody[] };
    expect(inactive.items.map((e) => e.id)).toContain(seeded.id);
    const active = (await (await send('GET', '/v1/faq?active=true&limit=100', admin.auth)).json()) as { items: EntryBody[] };
    expect(active.items.map((e) => e.id)).not.toContain(seeded.id);

    expect((await send('PATCH', `/v1/faq/${seeded.id}`, admin.auth, { active: true })).status).toBe(200);
    expect((await searchOk('esqueci minha senha')).answer?.id).toBe(seeded.id);
  });

  it('pages through the entries in creation order', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const res = await send('GET', `/v1/faq?limit=20${query}`, admin.auth);
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: EntryBody[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(20);
      seen.push(...page.items.map((e) => e.slug));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.slice(0, FAQ_SEED_ENTRIES.length)).toEqual(FAQ_SEED_ENTRIES.map((e) => e.slug));
    expect(new Set(seen).size).toBe(seen.length);
    expect((await send('GET', '/v1/faq?limit=101', admin.auth)).status).toBe(422);
  });

  it('answers 409 on a slug already in use, at creation', async () => {
    const res = await send('POST', '/v1/faq', admin.auth, newEntry({ slug: 'recuperar-senha' }));
    expect(res.status).toBe(409);
    const body = (await res.json()) as ProblemBody;
    expect(body.type).toBe('/problems/conflict');
    expect(body.errors?.map((e) => e.field)).toEqual(['slug']);
  });

  it('answers every invalid field at once in pt-BR, and rejects a slug change (not a property of the patch)', async () => {
    const res = await send(
      'POST',
      '/v1/faq',
      admin.auth,
      newEntry({
        slug: 'Não-Kebab',
        question: 'Oi?',
        answer: 'Curta',
        alternatives: [...Array.from({ length: 20 }, (_, i) => `Forma alternativa ${i}`), 'x'],
        tags: Array.from({ length: 11 }, (_, i) => `etiqueta-${i}`),
      }),
    );
    expect(res.status).toBe(422);
    const body = (await res.json()) as ProblemBody;
    expect(body.errors?.map((e) => e.field).sort()).toEqual(
      ['alternatives', 'alternatives[20]', 'answer', 'question', 'slug', 'tags'].sort(),
    );
    expect(body.errors?.find((e) => e.field === 'question')?.message).toMatch(/de 5 a 300 caracteres/);

    const entry = await createEntry();
    const renamed = await send('PATCH', `/v1/faq/${entry.id}`, admin.auth, { slug: 'outro-slug' });
    expect(renamed.status).toBe(422);
    const tooLong = await send('PATCH', `/v1/faq/${entry.id}`, admin.auth, { answer: 'x'.repeat(4001) });
    expect(tooLong.status).toBe(422);
    expect(((await tooLong.json()) as ProblemBody).errors?.map((e) => e.field)).toEqual(['answer']);
    expect((await send('GET', '/v1/faq/not-a-uuid', admin.auth)).status).toBe(404);
  });
});

describe('several app instances on one database', () => {
  it("see an admin's change at their next search, and share the rate limit of an address", async () => {
    const other = await startSecondInstance();
    try {
      // Both instances have built their index before the change.
      const question = 'Posso levar minha bicicleta no BRT?';
      expect((await searchOk(question, t)).answer?.slug).not.toBe('bicicleta-no-brt');
      expect((await searchOk(question, other)).answer?.slug).not.toBe('bicicleta-no-brt');

      const created = await createEntry({
        slug: 'bicicleta-no-brt',
        question,
        answer: 'As regras para levar bicicleta no BRT estão no site oficial do BRT; em caso de dúvida, ligue 1746.',
        alternatives: ['Bike pode entrar no BRT?'],
        tags: ['brt', 'bicicleta'],
      });
      expect((await searchOk('bicicleta no BRT', other)).answer?.id).toBe(created.id);

      await send('PATCH', `/v1/faq/${created.id}`, admin.auth, { active: false }, other);
      expect((await searchOk('bicicleta no BRT', t)).answer?.id).not.toBe(created.id);

      const address = freshAddress();
      for (let i = 0; i < RATE_LIMIT; i++) {
        const instance = i % 2 === 0 ? t : other;
        expect((await search('saldo do cartão', { instance, address })).status).toBe(200);
      }
      expect((await search('saldo do cartão', { instance: t, address })).status).toBe(429);
      expect((await search('saldo do cartão', { instance: other, address })).status).toBe(429);
    } finally {
      await other.close();
    }
  });
});
