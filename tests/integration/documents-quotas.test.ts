import { startTestApp, type TestApp } from '../support/test-app';
import { createDocument, postJson, registerCitizen, sampleFiles, uploadDocumentFile } from '../support/factories';

/** Quotas set small through the environment, as a deployment would. */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { DOCUMENT_QUOTA_COUNT: '3', DOCUMENT_QUOTA_BYTES: String(300 * 1024) } });
});
afterAll(async () => {
  await t.close();
});

async function quotaProblem(res: Response): Promise<string> {
  expect(res.status).toBe(409);
  const body = (await res.json()) as { type: string; detail: string };
  expect(body.type).toBe('/problems/quota-exceeded');
  return body.detail;
}

describe('document quotas', () => {
  it('refuses a document beyond the count quota with a pt-BR explanation, and accepts one again after a deletion', async () => {
    const citizen = await registerCitizen(t);
    const documents = [];
    for (let i = 0; i < 3; i++) documents.push(await createDocument(t, citizen));
    const detail = await quotaProblem(
      await postJson(t, '/v1/documents', { type: 'cpf', number: citizen.input.cpf }, citizen.auth),
    );
    expect(detail).toBe('Você atingiu o limite de 3 documentos na carteira. Exclua um documento para guardar outro.');

    // The quota is per citizen.
    const other = await registerCitizen(t);
    await createDocument(t, other);

    await t.fetch(`/v1/documents/${documents[0].id}`, { method: 'DELETE', headers: citizen.auth });
    expect((await postJson(t, '/v1/documents', { type: 'cpf', number: citizen.input.cpf }, citizen.auth)).status).toBe(201);
  });

  it('refuses parallel creations beyond the count quota', async () => {
    const citizen = await registerCitizen(t);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        postJson(t, '/v1/documents', { type: 'passaporte', number: `AB00000${i}`, expiresAt: '2031-01-01' }, citizen.auth),
      ),
    );
    expect(results.filter((res) => res.status === 201)).toHaveLength(3);
    expect(results.filter((res) => res.status === 409)).toHaveLength(5);
    const rows = await t.app.db.em.fork().execute('select count(*)::int as n from documents where user_id = ?', [citizen.id]);
    expect(rows[0].n).toBe(3);
  });

  it('counts the bytes of all files; replacing a file counts only the new one', async () => {
    const citizen = await registerCitizen(t);
    const first = await createDocument(t, citizen);
    const second = await createDocument(t, citizen);
    expect((await uploadDocumentFile(t, citizen, first.id, sampleFiles.pdf(200 * 1024))).status).toBe(200);

    const detail = await quotaProblem(await uploadDocumentFile(t, citizen, second.id, sampleFiles.png(150 * 1024)));
    expect(detail).toBe(
      'Os arquivos da sua carteira passariam do limite de 300 KiB (em uso: 200 KiB). Exclua ou substitua arquivos para liberar espaço.',
    );
    expect((await uploadDocumentFile(t, citizen, second.id, sampleFiles.png(100 * 1024))).status).toBe(200);

    // Replacing the first file frees its old size.
    expect((await uploadDocumentFile(t, citizen, first.id, sampleFiles.pdf(200 * 1024))).status).toBe(200);
    await quotaProblem(await uploadDocumentFile(t, citizen, first.id, sampleFiles.pdf(200 * 1024 + 1)));

    // Deleting a file frees its space.
    await t.fetch(`/v1/documents/${first.id}/file`, { method: 'DELETE', headers: citizen.auth });
    expect((await uploadDocumentFile(t, citizen, first.id, sampleFiles.jpeg(200 * 1024))).status).toBe(200);
  });
});
