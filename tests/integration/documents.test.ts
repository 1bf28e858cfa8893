import { startTestApp, type TestApp } from '../support/test-app';
import {
  createDocument,
  postJson,
  registerCitizen,
  sampleFiles,
  uploadDocumentFile,
  type SignedInCitizen,
} from '../support/factories';
import { DOCUMENT_TYPES, validateDocumentNumber, type DocumentTypeCode } from '../../src/documents/document-types';
import { addDays, todayInRio } from '../../src/documents/expiry';

let t: TestApp;
let maria: SignedInCitizen;
let joao: SignedInCitizen;

beforeAll(async () => {
  t = await startTestApp();
  maria = await registerCitizen(t, { fullName: "Maria D'Ávila Souza" });
  joao = await registerCitizen(t, { fullName: 'João Pereira' });
});
afterAll(async () => {
  await t.close();
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function sql(query: string, params: unknown[] = []): Promise<Json[]> {
  return t.app.db.em.fork().execute(query, params);
}

function request(citizen: SignedInCitizen, method: string, path: string, body?: unknown, accept?: string) {
  const headers: Record<string, string> = { ...citizen.auth };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (accept) headers.accept = accept;
  return t.fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function problem(res: Response, status: number, type: string): Promise<Json> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const body = (await res.json()) as Json;
  expect(body.type).toBe(`/problems/${type}`);
  return body;
}

const today = () => todayInRio(new Date());

/** A valid body for each type, with the dates and label the type needs. */
function validBodyFor(code: DocumentTypeCode): Json {
  const type = DOCUMENT_TYPES.find((candidate) => candidate.code === code)!;
  const body: Json = { type: code, number: type.numberExample };
  if (type.expiresAt === 'required') body.expiresAt = '2033-03-15';
  if (type.requiresLabel) body.label = 'Carteira do conselho';
  return body;
}

// Every row has all four values: jest would take a missing last argument for a `done` callback.
const INVALID_NUMBERS: Array<[DocumentTypeCode, string, RegExp, string | null]> = [
  ['cpf', '529.982.247-26', /CPF/, null],
  ['rg', '12', /RG/, null],
  ['rg', '24.681.357-1', /RG de SP/, 'SP'],
  ['cnh', '60293712843', /CNH/, null],
  ['titulo_eleitor', '3214 5876 0311', /título de eleitor/, null],
  ['cns', '298 7654 3210 0019', /Cartão SUS/, null],
  ['certidao_nascimento', '090472 01 55 2023 1 00456 078 0123456 62', /certidão de nascimento/i, null],
  ['passaporte', 'G1234567', /passaporte/, null],
  ['comprovante_vacinacao', '#@!', /vacinação/, null],
  ['outro', 'x'.repeat(41), /40 caracteres/, null],
];

describe('document types', () => {
  it('describes every supported type in pt-BR', async () => {
    const res = await t.fetch('/v1/document-types');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: Json[] };
    expect(body.items.map((type): unknown => type.code)).toEqual(DOCUMENT_TYPES.map((type) => type.code));
    expect(body.items.find((type) => type.code === 'cnh')).toMatchObject({ expiresAt: 'required', label: expect.any(String) });
  });
});

describe('saving documents', () => {
  it.each(DOCUMENT_TYPES.map((type) => type.code))('accepts a valid %s and answers it normalised', async (code) => {
    const citizen = await registerCitizen(t);
    const res = await postJson(t, '/v1/documents', validBodyFor(code), citizen.auth);
    expect(res.status).toBe(201);
    const body = (await res.json()) as Json;
    expect(res.headers.get('location')).toBe(`/v1/documents/${body.id}`);
    const expected = validateDocumentNumber(code, validBodyFor(code).number);
    expect(expected.ok && body.number).toBe(expected.ok && expected.number);
    expect(body).toMatchObject({ type: code, file: null, typeLabel: expect.any(String), maskedNumber: expect.any(String) });
    expect(body.maskedNumber).not.toBe(body.number);
  });

  it.each(INVALID_NUMBERS)('refuses an invalid %s number "%s" with the rule in pt-BR', async (code, number, pattern, state) => {
    const res = await postJson(t, '/v1/documents', { ...validBodyFor(code), number, issuerState: state }, maria.auth);
    const body = await problem(res, 422, 'validation-error');
    const expected = validateDocumentNumber(code, number, { issuerState: state });
    expect(expected.ok).toBe(false);
    expect(body.errors).toEqual([{ field: 'number', message: expected.ok ? '' : expected.message }]);
    expect(body.errors[0].message).toMatch(pattern);
  });

  it('reports every field problem at once: unknown type, bad UF, bad dates, missing label or expiry', async () => {
    let body = await problem(
      await postJson(t, '/v1/documents', { type: 'carteirinha', number: '1' }, maria.auth),
      422,
      'validation-error',
    );
    expect(body.errors).toEqual([{ field: 'type', message: expect.stringContaining('Tipo de documento desconhecido') }]);

    body = await problem(
      await postJson(
        t,
        '/v1/documents',
        { type: 'cnh', number: '60293712842', issuerState: 'XX', issuedAt: '2024-02-30' },
        maria.auth,
      ),
      422,
      'validation-error',
    );
    expect(Object.fromEntries((body.errors as Json[]).map((e): [string, unknown] => [String(e.field), e.message]))).toEqual({
      issuerState: expect.stringContaining('UF emissora inválida'),
      issuedAt: expect.stringContaining('AAAA-MM-DD'),
      expiresAt: expect.stringContaining('obrigatória para CNH'),
    });

    body = await problem(
      await postJson(t, '/v1/documents', { type: 'outro', number: 'ABC-1' }, maria.auth),
      422,
      'validation-error',
    );
    expect(body.errors).toEqual([{ field: 'label', message: expect.stringContaining('Informe o nome do documento') }]);

    body = await problem(
      await postJson(t, '/v1/documents', { type: 'cpf', number: '529.982.247-25', expiresAt: '2030-01-01' }, maria.auth),
      422,
      'validation-error',
    );
    expect(body.errors).toEqual([{ field: 'expiresAt', message: 'CPF não tem data de validade; deixe expiresAt em branco.' }]);

    body = await problem(
      await postJson(
        t,
        '/v1/documents',
        { type: 'passaporte', number: 'GK123456', issuedAt: addDays(today(), 1), expiresAt: '2030-01-01' },
        maria.auth,
      ),
      422,
      'validation-error',
    );
    expect(body.errors).toEqual([{ field: 'issuedAt', message: 'A data de emissão não pode estar no futuro.' }]);

    body = await problem(
      await postJson(
        t,
        '/v1/documents',
        { type: 'passaporte', number: 'GK123456', issuedAt: '2020-01-01', expiresAt: '2019-12-31' },
        maria.auth,
      ),
      422,
      'validation-error',
    );
    expect(body.errors[0]).toEqual({ field: 'expiresAt', message: 'A data de validade deve ser posterior à data de emissão.' });
  });

  it('rejects unknown properties and wrong JSON types before any rule (422)', async () => {
    const body = await problem(
      await postJson(t, '/v1/documents', { type: 'cpf', number: '52998224725', owner: 'x' }, maria.auth),
      422,
      'validation-error',
    );
    expect(body.errors).toEqual([{ field: 'owner', message: 'propriedade não permitida' }]);
  });

  it('refuses the same type and number twice for one owner (409), however it is typed; another citizen may save it', async () => {
    const citizen = await registerCitizen(t);
    expect((await postJson(t, '/v1/documents', { type: 'cpf', number: '529.982.247-25' }, citizen.auth)).status).toBe(201);
    const body = await problem(
      await postJson(t, '/v1/documents', { type: 'cpf', number: '52998224725' }, citizen.auth),
      409,
      'conflict',
    );
    expect(body.detail).toMatch(/já guardou/);
    expect((await postJson(t, '/v1/documents', { type: 'cpf', number: '52998224725' }, joao.auth)).status).toBe(201);
  });
});

describe('reading, changing and deleting documents', () => {
  it('gets, patches (validated like a new one) and deletes a document', async () => {
    const citizen = await registerCitizen(t);
    const doc = await createDocument(t, citizen, { issuer: 'Polícia Federal', issuedAt: '2024-06-30' });
    const got = (await (await request(citizen, 'GET', `/v1/documents/${doc.id}`)).json()) as Json;
    expect(got).toMatchObject({ id: doc.id, issuer: 'Polícia Federal', issuedAt: '2024-06-30', expiresAt: '2034-06-30' });

    let res = await request(citizen, 'PATCH', `/v1/documents/${doc.id}`, { number: 'G1', label: 'Meu passaporte' });
    const invalid = await problem(res, 422, 'validation-error');
    expect(invalid.errors).toEqual([{ field: 'number', message: expect.stringContaining('passaporte') }]);

    res = await request(citizen, 'PATCH', `/v1/documents/${doc.id}`, { type: 'cnh', number: '60293712842', expiresAt: null });
    const missingExpiry = await problem(res, 422, 'validation-error');
    expect(missingExpiry.errors).toEqual([{ field: 'expiresAt', message: expect.stringContaining('obrigatória para CNH') }]);

    res = await request(citizen, 'PATCH', `/v1/documents/${doc.id}`, { label: '  Meu   passaporte ', issuer: null });
    expect(res.status).toBe(200);
    const patched = (await res.json()) as Json;
    expect(patched).toMatchObject({ label: 'Meu passaporte', issuer: null, number: doc.number, issuedAt: '2024-06-30' });

    const other = await createDocument(t, citizen);
    res = await request(citizen, 'PATCH', `/v1/documents/${other.id}`, { number: doc.number });
    await problem(res, 409, 'conflict');

    res = await request(citizen, 'DELETE', `/v1/documents/${doc.id}`);
    expect(res.status).toBe(204);
    await problem(await request(citizen, 'GET', `/v1/documents/${doc.id}`), 404, 'not-found');
  });

  it("answers 404 on every document route for another citizen's document, and never lists it", async () => {
    const doc = await createDocument(t, maria);
    expect((await uploadDocumentFile(t, maria, doc.id, sampleFiles.pdf())).status).toBe(200);
    const share = (await (await postJson(t, `/v1/documents/${doc.id}/shares`, { ttlMinutes: 5 }, maria.auth)).json()) as Json;
    const base = `/v1/documents/${doc.id}`;
    const attempts: Array<() => Promise<Response>> = [
      () => request(joao, 'GET', base),
      () => request(joao, 'PATCH', base, { label: 'meu agora' }),
      () => request(joao, 'DELETE', base),
      () => uploadDocumentFile(t, joao, doc.id, sampleFiles.png()),
      () => request(joao, 'GET', `${base}/file`),
      () => request(joao, 'DELETE', `${base}/file`),
      () => request(joao, 'POST', `${base}/shares`, { ttlMinutes: 5 }),
      () => request(joao, 'GET', `${base}/shares`),
      () => request(joao, 'DELETE', `${base}/shares/${share.id}`),
    ];
    for (const attempt of attempts) {
      const body = await problem(await attempt(), 404, 'not-found');
      expect(body.detail).toBe('Documento não encontrado.');
    }
    const list = (await (await request(joao, 'GET', '/v1/documents?limit=100')).json()) as { items: Json[] };
    expect(list.items.map((item): unknown => item.id)).not.toContain(doc.id);
    // Nothing changed for the owner.
    const still = (await (await request(maria, 'GET', base)).json()) as Json;
    expect(still.label).toBeNull();
    expect(still.file).toMatchObject({ contentType: 'application/pdf' });
    const shares = (await (await request(maria, 'GET', `${base}/shares`)).json()) as { items: Json[] };
    expect(shares.items[0]).toMatchObject({ id: share.id, status: 'active' });
    // Malformed ids are just unknown documents.
    await problem(await request(maria, 'GET', '/v1/documents/not-a-uuid'), 404, 'not-found');
  });

  it('requires authentication', async () => {
    expect((await t.fetch('/v1/documents')).status).toBe(401);
  });
});

describe('listing', () => {
  it('pages with a keyset cursor and filters by type and by status (valid, expiring within 30 days, expired)', async () => {
    const citizen = await registerCitizen(t);
    const day = today();
    const expired = await createDocument(t, citizen, { expiresAt: addDays(day, -1) });
    const expiringToday = await createDocument(t, citizen, { expiresAt: day });
    const expiringSoon = await createDocument(t, citizen, { expiresAt: addDays(day, 30) });
    const valid = await createDocument(t, citizen, { expiresAt: addDays(day, 31) });
    const noExpiry = await createDocument(t, citizen, { type: 'cpf', number: citizen.input.cpf, expiresAt: undefined });
    const all = [expired, expiringToday, expiringSoon, valid, noExpiry].map((doc) => doc.id);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = (await (await request(citizen, 'GET', `/v1/documents${query}`)).json()) as {
        items: Json[];
        nextCursor: string | null;
      };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item): string => String(item.id)));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual(all);
    expect(pages).toBe(3);

    const ids = async (query: string) =>
      ((await (await request(citizen, 'GET', `/v1/documents${query}`)).json()) as { items: Json[] }).items.map(
        (i): unknown => i.id,
      );
    expect(await ids('?status=expiring')).toEqual([expiringToday.id, expiringSoon.id]);
    expect(await ids('?status=expired')).toEqual([expired.id]);
    expect(await ids('?status=valid')).toEqual([valid.id, noExpiry.id]);
    expect(await ids('?type=cpf')).toEqual([noExpiry.id]);
    expect(await ids('?type=passaporte&status=expiring&limit=1')).toEqual([expiringToday.id]);

    const statuses = ((await (await request(citizen, 'GET', '/v1/documents')).json()) as { items: Json[] }).items.map(
      (i): unknown[] => [i.status, i.statusLabel],
    );
    expect(statuses).toEqual([
      ['expired', 'Vencido'],
      ['expiring', 'Vence em até 30 dias'],
      ['expiring', 'Vence em até 30 dias'],
      ['valid', 'Válido'],
      ['valid', 'Válido'],
    ]);

    const bad = await problem(await request(citizen, 'GET', '/v1/documents?status=soon&type=x&limit=0'), 422, 'validation-error');
    expect((bad.errors as Json[]).map((e) => String(e.field)).sort()).toEqual(['limit']);
    const badFilters = await problem(await request(citizen, 'GET', '/v1/documents?status=soon&type=x'), 422, 'validation-error');
    expect((badFilters.errors as Json[]).map((e) => String(e.field)).sort()).toEqual(['status', 'type']);
  });
});

describe('files', () => {
  it.each([
    ['pdf', 'application/pdf', 'laudo.pdf'],
    ['jpeg', 'image/jpeg', 'foto.jpeg'],
    ['png', 'image/png', 'frente.png'],
  ] as const)('round-trips a %s byte for byte with its type, a safe name and no caching', async (kind, contentType, name) => {
    const doc = await createDocument(t, maria);
    const bytes = sampleFiles[kind](50_000);
    const res = await uploadDocumentFile(t, maria, doc.id, bytes, name);
    expect(res.status).toBe(200);
    const view = (await res.json()) as Json;
    expect(view.file).toEqual({ fileName: name, contentType, sizeBytes: bytes.length, uploadedAt: expect.any(String) });

    const download = await request(maria, 'GET', `/v1/documents/${doc.id}/file`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe(contentType);
    expect(download.headers.get('cache-control')).toBe('no-store');
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="${name}"; filename*=UTF-8''${name}`);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('names downloads safely: no path, no quotes or control characters, ASCII fallback plus RFC 5987, extension of the real kind', async () => {
    const doc = await createDocument(t, maria);
    const res = await uploadDocumentFile(t, maria, doc.id, sampleFiles.pdf(), '../../etc/Relatório "médico";.html');
    expect(res.status).toBe(200);
    const download = await request(maria, 'GET', `/v1/documents/${doc.id}/file`);
    const disposition = download.headers.get('content-disposition')!;
    const match = /^attachment; filename="([^"]*)"; filename\*=UTF-8''([A-Za-z0-9%!#$&+.^_`|~-]+)$/.exec(disposition);
    expect(match).not.toBeNull();
    const [, ascii, encoded] = match!;
    expect(ascii).toMatch(/^[\x20-\x7e]+$/);
    expect(ascii).not.toMatch(/[\\/"]/);
    expect(ascii.endsWith('.html.pdf')).toBe(true);
    const utf8 = decodeURIComponent(encoded);
    expect(utf8).toContain('Relatório');
    expect(utf8).not.toContain('/');
    expect(utf8.endsWith('.pdf')).toBe(true);
  });

  it('refuses content that is not PDF, JPEG or PNG (415) whatever its name, and a body that is not multipart', async () => {
    const doc = await createDocument(t, maria);
    const gif = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.alloc(100, 1)]);
    const body = await problem(await uploadDocumentFile(t, maria, doc.id, gif, 'foto.png'), 415, 'unsupported-file-type');
    expect(body.detail).toBe('Tipo de arquivo não aceito: envie um PDF, JPEG ou PNG.');
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    await problem(await uploadDocumentFile(t, maria, doc.id, html, 'doc.pdf'), 415, 'unsupported-file-type');
    await problem(await uploadDocumentFile(t, maria, doc.id, Buffer.from('%PD')), 415, 'unsupported-file-type');
    const json = await t.fetch(`/v1/documents/${doc.id}/file`, {
      method: 'PUT',
      headers: { ...maria.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ file: 'x' }),
    });
    await problem(json, 415, 'unsupported-media-type');
    const wrongField = await problem(
      await uploadDocumentFile(t, maria, doc.id, sampleFiles.pdf(), 'a.pdf', 'arquivo'),
      422,
      'validation-error',
    );
    expect(wrongField.errors).toEqual([{ field: 'file', message: 'Envie o arquivo no campo "file".' }]);
    const empty = await problem(await uploadDocumentFile(t, maria, doc.id, Buffer.alloc(0)), 422, 'validation-error');
    expect(empty.errors).toEqual([{ field: 'file', message: 'O arquivo está vazio.' }]);
    expect((await sql('select count(*)::int as n from document_files where document_id = ?', [doc.id]))[0].n).toBe(0);
  });

  it('refuses files beyond 5 MiB with 413, whether the size is declared or only seen while streaming', async () => {
    const doc = await createDocument(t, maria);
    const exactly = sampleFiles.pdf(5 * 1024 * 1024);
    expect((await uploadDocumentFile(t, maria, doc.id, exactly)).status).toBe(200);

    const tooBig = sampleFiles.pdf(5 * 1024 * 1024 + 1);
    const body = await problem(await uploadDocumentFile(t, maria, doc.id, tooBig), 413, 'file-too-large');
    expect(body.detail).toBe('O arquivo passa do limite de 5 MiB.');

    // Chunked, with no Content-Length: only the streaming limit can stop it.
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(sampleFiles.pdf(6 * 1024 * 1024))]), 'grande.pdf');
    const encoded = new Response(form);
    const streamed = await t.fetch(`/v1/documents/${doc.id}/file`, {
      method: 'PUT',
      headers: { ...maria.auth, 'content-type': encoded.headers.get('content-type')! },
      body: encoded.body,
      duplex: 'half',
    });
    await problem(streamed, 413, 'file-too-large');

    // The earlier file is untouched.
    const download = await request(maria, 'GET', `/v1/documents/${doc.id}/file`);
    expect(Buffer.from(await download.arrayBuffer()).equals(exactly)).toBe(true);
  });

  it('replaces a file in place and deletes it, leaving the document', async () => {
    const doc = await createDocument(t, maria);
    await uploadDocumentFile(t, maria, doc.id, sampleFiles.pdf(), 'a.pdf');
    const png = sampleFiles.png(3000);
    expect((await uploadDocumentFile(t, maria, doc.id, png, 'b.png')).status).toBe(200);
    const download = await request(maria, 'GET', `/v1/documents/${doc.id}/file`);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await download.arrayBuffer()).equals(png)).toBe(true);
    expect((await sql('select count(*)::int as n from document_files where document_id = ?', [doc.id]))[0].n).toBe(1);

    expect((await request(maria, 'DELETE', `/v1/documents/${doc.id}/file`)).status).toBe(204);
    const noFile = await problem(await request(maria, 'GET', `/v1/documents/${doc.id}/file`), 404, 'not-found');
    expect(noFile.detail).toBe('Este documento não tem arquivo.');
    await problem(await request(maria, 'DELETE', `/v1/documents/${doc.id}/file`), 404, 'not-found');
    expect(((await (await request(maria, 'GET', `/v1/documents/${doc.id}`)).json()) as Json).file).toBeNull();
  });

  it('ends 20 parallel uploads to one document with one intact file', async () => {
    const doc = await createDocument(t, maria);
    const files = Array.from({ length: 20 }, (_, i) => sampleFiles[i % 2 ? 'png' : 'pdf'](20_000 + i));
    const results = await Promise.all(files.map((bytes) => uploadDocumentFile(t, maria, doc.id, bytes)));
    expect(results.map((res) => res.status)).toEqual(files.map(() => 200));
    const rows = await sql('select size_bytes from document_files where document_id = ?', [doc.id]);
    expect(rows).toHaveLength(1);
    const download = Buffer.from(await (await request(maria, 'GET', `/v1/documents/${doc.id}/file`)).arrayBuffer());
    expect(files.some((bytes) => bytes.equals(download))).toBe(true);
    expect(download.length).toBe(Number(rows[0].size_bytes));
  });
});

describe('encryption at rest', () => {
  it('stores ciphertext only (random IV, 128-bit tag) and refuses to return a file with one flipped stored byte', async () => {
    const doc = await createDocument(t, maria);
    const marker = Buffer.from('CONTEUDO-SIGILOSO-DO-LAUDO-MEDICO-'.repeat(20), 'latin1');
    const plaintext = Buffer.concat([Buffer.from('%PDF-1.7\n', 'latin1'), marker]);
    await uploadDocumentFile(t, maria, doc.id, plaintext);
    const [row] = await sql('select iv, auth_tag, ciphertext from document_files where document_id = ?', [doc.id]);
    const stored = Buffer.from(row.ciphertext as Uint8Array);
    expect(stored.length).toBe(plaintext.length);
    expect(stored.includes(marker.subarray(0, 16))).toBe(false);
    expect(stored.includes(Buffer.from('%PDF-'))).toBe(false);
    expect(Buffer.from(row.iv as Uint8Array)).toHaveLength(12);
    expect(Buffer.from(row.auth_tag as Uint8Array)).toHaveLength(16);

    // The same content uploaded again gets a new IV, so a new ciphertext.
    await uploadDocumentFile(t, maria, doc.id, plaintext);
    const [again] = await sql('select iv, ciphertext from document_files where document_id = ?', [doc.id]);
    expect(Buffer.from(again.iv as Uint8Array).equals(Buffer.from(row.iv as Uint8Array))).toBe(false);

    await sql(
      'update document_files set ciphertext = set_byte(ciphertext, 20, get_byte(ciphertext, 20) # 1) where document_id = ?',
      [doc.id],
    );
    const res = await request(maria, 'GET', `/v1/documents/${doc.id}/file`);
    const body = await problem(res, 500, 'file-corrupted');
    expect(body.detail).toMatch(/danificado/);
    expect(JSON.stringify(body)).not.toContain('CONTEUDO');
  });

  it("binds each ciphertext to its document: copied under another document's row, it does not decrypt", async () => {
    const source = await createDocument(t, maria);
    const target = await createDocument(t, maria);
    await uploadDocumentFile(t, maria, source.id, sampleFiles.pdf());
    await uploadDocumentFile(t, maria, target.id, sampleFiles.png());
    await sql(
      `update document_files t set iv = s.iv, auth_tag = s.auth_tag, ciphertext = s.ciphertext, content_type = s.content_type
         from document_files s where s.document_id = ? and t.document_id = ?`,
      [source.id, target.id],
    );
    await problem(await request(maria, 'GET', `/v1/documents/${target.id}/file`), 500, 'file-corrupted');
  });
});

describe('verification links', () => {
  it('creates a link with a QR code, shows the document as JSON and as an escaped pt-BR page, and logs each access', async () => {
    const doc = await createDocument(t, maria, { type: 'cnh', number: '602.937.128-42', expiresAt: addDays(today(), 10) });
    const res = await postJson(t, `/v1/documents/${doc.id}/shares`, { ttlMinutes: 60 }, maria.auth);
    expect(res.status).toBe(201);
    const share = (await res.json()) as Json;
    expect(share.url).toMatch(/\/v1\/verify\/[A-Za-z0-9_-]{43}$/);
    expect(String(share.url).startsWith(`${t.app.config.publicBaseUrl}/v1/verify/`)).toBe(true);
    expect(share.qrCodePng).toMatch(/^data:image\/png;base64,/);
    const png = Buffer.from(String(share.qrCodePng).split(',')[1], 'base64');
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    const minutes = (Date.parse(share.expiresAt) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(58);
    expect(minutes).toBeLessThanOrEqual(60);
    const path = new URL(share.url).pathname;
    const token = path.split('/').pop()!;
    const [stored] = await sql('select token_hash from document_shares where id = ?', [share.id]);
    expect(stored.token_hash).not.toContain(token);

    const json = await t.fetch(path, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(200);
    expect(json.headers.get('cache-control')).toBe('no-store');
    const verification = (await json.json()) as Json;
    expect(verification).toEqual({
      type: 'cnh',
      typeLabel: 'Carteira Nacional de Habilitação (CNH)',
      label: null,
      holderName: "Maria D'Ávila Souza",
      maskedNumber: '•••••••2842',
      status: 'expiring',
      statusLabel: 'Vence em até 30 dias',
      expiresAt: addDays(today(), 10),
      shareExpiresAt: share.expiresAt,
      checkedAt: expect.any(String),
      notice: expect.stringMatching(/declarados pelo próprio titular.*não foram confirmados pelo órgão emissor/),
    });
    expect(JSON.stringify(verification)).not.toContain('60293712842');

    const html = await t.fetch(path, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await html.text();
    expect(page).toContain('<html lang="pt-BR">');
    expect(page).toContain('Maria D&#39;Ávila Souza');
    expect(page).not.toContain("D'Ávila");
    expect(page).toContain('•••••••2842');
    expect(page).not.toContain('60293712842');
    expect(page).toContain('não foram confirmados pelo órgão emissor');

    const list = await request(maria, 'GET', `/v1/documents/${doc.id}/shares`);
    const shares = (await list.json()) as { items: Json[]; nextCursor: string | null };
    expect(shares.items).toHaveLength(1);
    expect(shares.items[0]).toMatchObject({ id: share.id, status: 'active', revokedAt: null, accessCount: 2 });
    expect(shares.items[0]).not.toHaveProperty('url');
    expect(shares.items[0].accesses).toEqual([
      { accessedAt: expect.any(String), address: expect.stringContaining('127.0.0.1'), outcome: 'shown' },
      { accessedAt: expect.any(String), address: expect.stringContaining('127.0.0.1'), outcome: 'shown' },
    ]);
  });

  it('validates the lifetime: 1 to 1440 minutes', async () => {
    const doc = await createDocument(t, maria);
    for (const ttlMinutes of [0, 1441, 1.5]) {
      const body = await problem(
        await postJson(t, `/v1/documents/${doc.id}/shares`, { ttlMinutes }, maria.auth),
        422,
        'validation-error',
      );
      expect(body.errors).toEqual([{ field: 'ttlMinutes', message: expect.stringContaining('de 1 a 1440') }]);
    }
    expect((await postJson(t, `/v1/documents/${doc.id}/shares`, { ttlMinutes: 1440 }, maria.auth)).status).toBe(201);
  });

  it('answers 410 for a revoked or expired link (problem for JSON, a page for browsers) and 404 for an unknown one', async () => {
    const doc = await createDocument(t, maria);
    const create = async () =>
      (await (await postJson(t, `/v1/documents/${doc.id}/shares`, { ttlMinutes: 30 }, maria.auth)).json()) as Json;
    const revoked = await create();
    const expired = await create();
    const pathOf = (share: Json) => new URL(share.url as string).pathname;

    expect((await request(maria, 'DELETE', `/v1/documents/${doc.id}/shares/${revoked.id}`)).status).toBe(204);
    expect((await request(maria, 'DELETE', `/v1/documents/${doc.id}/shares/${revoked.id}`)).status).toBe(204);
    const gone = await problem(await t.fetch(pathOf(revoked), { headers: { accept: 'application/json' } }), 410, 'gone');
    expect(gone.detail).toMatch(/revogado/);
    const page = await t.fetch(pathOf(revoked));
    expect(page.status).toBe(410);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('revogado pelo titular');

    await sql(`update document_shares set expires_at = now() - interval '1 minute' where id = ?`, [expired.id]);
    const expiredProblem = await problem(
      await t.fetch(pathOf(expired), { headers: { accept: 'application/json' } }),
      410,
      'gone',
    );
    expect(expiredProblem.detail).toMatch(/expirou/);

    await problem(await t.fetch(`/v1/verify/${'A'.repeat(43)}`, { headers: { accept: 'application/json' } }), 404, 'not-found');
    const unknownPage = await t.fetch('/v1/verify/desconhecido');
    expect(unknownPage.status).toBe(404);
    expect(await unknownPage.text()).toContain('Link não encontrado');

    const shares = ((await (await request(maria, 'GET', `/v1/documents/${doc.id}/shares`)).json()) as { items: Json[] }).items;
    expect(shares.map((share): unknown[] => [share.id, share.status])).toEqual([
      [expired.id, 'expired'],
      [revoked.id, 'revoked'],
    ]);
    expect((shares[1].accesses as Json[]).map((access): unknown => access.outcome)).toEqual(['revoked', 'revoked']);
    expect((shares[0].accesses as Json[]).map((access): unknown => access.outcome)).toEqual(['expired']);
    await problem(await request(maria, 'DELETE', `/v1/documents/${doc.id}/shares/${doc.id}`), 404, 'not-found');
  });
});

describe('audit trail', () => {
  it('records every change to a document, its file and its links, with ids and type but never the number', async () => {
    const doc = await createDocument(t, maria);
    expect((await request(maria, 'PATCH', `/v1/documents/${doc.id}`, { label: 'Carteira antiga' })).status).toBe(200);
    await uploadDocumentFile(t, maria, doc.id, sampleFiles.pdf(1500));
    const share = (await (await postJson(t, `/v1/documents/${doc.id}/shares`, { ttlMinutes: 5 }, maria.auth)).json()) as Json;
    expect((await request(maria, 'DELETE', `/v1/documents/${doc.id}/shares/${String(share.id)}`)).status).toBe(204);
    expect((await request(maria, 'DELETE', `/v1/documents/${doc.id}/shares/${String(share.id)}`)).status).toBe(204);
    expect((await request(maria, 'DELETE', `/v1/documents/${doc.id}/file`)).status).toBe(204);
    expect((await request(maria, 'DELETE', `/v1/documents/${doc.id}`)).status).toBe(204);

    const rows = await sql(
      `select event, actor_id, subject_id, address, details from audit_events
        where details->>'documentId' = ? order by occurred_at, event`,
      [doc.id],
    );
    expect(rows.map((row) => String(row.event))).toEqual([
      'document_created',
      'document_updated',
      'document_file_stored',
      'document_shared',
      // Revoked twice, audited once: the second call changed nothing.
      'document_share_revoked',
      'document_file_deleted',
      'document_deleted',
    ]);
    for (const row of rows) {
      expect(row).toMatchObject({ actor_id: maria.id, subject_id: maria.id, address: '127.0.0.1' });
      expect(row.details).toMatchObject({ documentId: doc.id, type: doc.type });
    }
    expect(rows[1].details).toMatchObject({ fields: ['label'] });
    expect(rows[2].details).toMatchObject({ contentType: 'application/pdf', sizeBytes: 1500 });
    expect(rows[3].details).toMatchObject({ shareId: share.id, ttlMinutes: 5 });
    expect(JSON.stringify(rows)).not.toContain(String(doc.number));
  });

  it('records nothing for a refused change', async () => {
    const doc = await createDocument(t, maria);
    const before = await sql(`select count(*)::int as n from audit_events where details->>'documentId' = ?`, [doc.id]);
    expect((await request(maria, 'PATCH', `/v1/documents/${doc.id}`, { expiresAt: 'ontem' })).status).toBe(422);
    const after = await sql(`select count(*)::int as n from audit_events where details->>'documentId' = ?`, [doc.id]);
    expect(after).toEqual(before);
  });
});

describe('deletion, erasure and export', () => {
  it('deleting a document removes its file, links and their accesses', async () => {
    const doc = await createDocument(t, maria);
    await uploadDocumentFile(t, maria, doc.id, sampleFiles.pdf());
    const share = (await (await postJson(t, `/v1/documents/${doc.id}/shares`, { ttlMinutes: 5 }, maria.auth)).json()) as Json;
    await t.fetch(new URL(share.url as string).pathname);
    expect((await request(maria, 'DELETE', `/v1/documents/${doc.id}`)).status).toBe(204);
    const [counts] = await sql(
      `select (select count(*)::int from document_files where document_id = ?) as files,
              (select count(*)::int from document_shares where document_id = ?) as shares,
              (select count(*)::int from document_share_accesses where share_id = ?) as accesses`,
      [doc.id, doc.id, share.id],
    );
    expect(counts).toEqual({ files: 0, shares: 0, accesses: 0 });
    expect((await t.fetch(new URL(share.url as string).pathname)).status).toBe(404);
  });

  it("exports the documents' metadata, and erasing the account leaves no document, file or link behind", async () => {
    const citizen = await registerCitizen(t);
    const doc = await createDocument(t, citizen, { label: 'Passaporte novo' });
    await uploadDocumentFile(t, citizen, doc.id, sampleFiles.jpeg(), 'passaporte.jpg');
    const share = (await (await postJson(t, `/v1/documents/${doc.id}/shares`, { ttlMinutes: 5 }, citizen.auth)).json()) as Json;
    await t.fetch(new URL(share.url as string).pathname);

    const exported = (await (await request(citizen, 'GET', '/v1/me/export')).json()) as Json;
    expect(exported.documents).toEqual([
      expect.objectContaining({
        id: doc.id,
        type: 'passaporte',
        number: doc.number,
        label: 'Passaporte novo',
        expiresAt: '2034-06-30',
        status: 'valid',
        file: expect.objectContaining({ fileName: 'passaporte.jpg', contentType: 'image/jpeg', sizeBytes: 2048 }),
      }),
    ]);
    expect(JSON.stringify(exported.documents)).not.toMatch(/ciphertext|"iv"|authTag/i);

    expect((await request(citizen, 'DELETE', '/v1/me')).status).toBe(204);
    const [counts] = await sql(
      `select (select count(*)::int from documents where user_id = ?) as documents,
              (select count(*)::int from document_files where user_id = ?) as files,
              (select count(*)::int from document_shares where user_id = ?) as shares,
              (select count(*)::int from document_share_accesses where share_id = ?) as accesses`,
      [citizen.id, citizen.id, citizen.id, share.id],
    );
    expect(counts).toEqual({ documents: 0, files: 0, shares: 0, accesses: 0 });
    expect((await t.fetch(new URL(share.url as string).pathname)).status).toBe(404);
  });
});
