import { INTERNAL_REQUEST } from '../../src/shared/request-info';
import type { BotHarness } from '../support/bot-harness';
import { inContext, linkedBot, savedDocumentDetails } from '../support/bot-citizens';
import { createDocument, registerCitizen, sampleFiles, uploadDocumentFile, type SignedInCitizen } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { inOrder, play, type Step } from '../support/transcript';

/**
 * Saving a document with its file from the chat is one use case (DocumentsService.createWithStagedFile): the document
 * and its file are stored together or not at all, under the idempotency key of the turn that confirmed it. A small
 * storage quota (300 KiB) makes the file refusable after the citizen confirmed.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { DOCUMENT_QUOTA_BYTES: String(300 * 1024) } });
});
afterAll(async () => {
  await t.close();
});

async function stagedFilesOf(bot: BotHarness): Promise<number> {
  const rows = await t.app.db.em
    .fork()
    .execute<{ n: number }[]>('select count(*)::int as n from bot_staged_files where conversation_id = ?', [bot.conversationId]);
  return rows[0].n;
}

/** Walks the flow up to the summary with a CPF and a PNG of `size` bytes attached. */
async function cpfWithFileUpToSummary(bot: BotHarness, citizen: SignedInCitizen, size: number): Promise<void> {
  await play(bot, [
    ['3', [/Qual documento/]],
    ['cpf', [/número/]],
    [citizen.input.cpf, [/anexar/]],
  ]);
  const png = sampleFiles.png(size).toString('base64');
  const replies = await bot.say('', [{ contentType: 'image/png', contentUrl: `data:image/png;base64,${png}`, name: 'cpf.png' }]);
  expect(replies).toHaveLength(1);
  expect(replies[0]).toMatch(/Confira os dados:[\s\S]*Arquivo: imagem PNG de \d+ KiB[\s\S]*Posso salvar\?/);
}

describe('3 · save a document with its file', () => {
  it('a file refused after the confirmation saves nothing, keeps the staged file and says why; confirming again after freeing space saves both', async () => {
    const citizen = await registerCitizen(t);
    const first = await createDocument(t, citizen);
    expect((await uploadDocumentFile(t, citizen, first.id, sampleFiles.pdf(200 * 1024))).status).toBe(200);
    const bot = await linkedBot(t, citizen.id);
    await cpfWithFileUpToSummary(bot, citizen, 150 * 1024);

    const refused: Step = ['sim', [/passariam do limite de 300 KiB \(em uso: 200 KiB\)/, /Confira os dados:/, /Posso salvar\?/]];
    await play(bot, [refused]);
    expect((await savedDocumentDetails(t, citizen.id)).map((details) => details.document.id)).toEqual([first.id]);
    expect(await stagedFilesOf(bot)).toBe(1);

    await inContext(t, () =>
      t.app.services.documents.removeFile({ id: citizen.id, role: 'citizen' }, first.id, INTERNAL_REQUEST),
    );
    await play(bot, [['sim', [/Documento salvo/, /Posso ajudar/]]]);
    const saved = (await savedDocumentDetails(t, citizen.id)).find((details) => details.document.id !== first.id);
    expect(saved?.document).toMatchObject({ type: 'cpf', number: citizen.input.cpf });
    expect(saved?.file).toMatchObject({ contentType: 'image/png', sizeBytes: 150 * 1024 });
    expect(await stagedFilesOf(bot)).toBe(0);
  });

  it('a document refused by the count quota keeps the staged file too', async () => {
    const limited = await startTestApp({ env: { DOCUMENT_QUOTA_COUNT: '1' } });
    try {
      const citizen = await registerCitizen(limited);
      await createDocument(limited, citizen);
      const bot = await linkedBot(limited, citizen.id);
      await play(bot, [
        ['3', [/Qual documento/]],
        ['cpf', [/número/]],
        [citizen.input.cpf, [/anexar/]],
      ]);
      const png = sampleFiles.png().toString('base64');
      await bot.say('', [{ contentType: 'image/png', contentUrl: `data:image/png;base64,${png}`, name: 'cpf.png' }]);
      await play(bot, [['sim', [/limite de 1 documentos/, /Posso salvar\?/]]]);
      const rows = await limited.app.db.em.fork().execute<{ documents: number; staged: number }[]>(
        `select (select count(*)::int from documents where user_id = ?) as documents,
                  (select count(*)::int from bot_staged_files where conversation_id = ?) as staged`,
        [citizen.id, bot.conversationId],
      );
      expect(rows[0]).toEqual({ documents: 1, staged: 1 });
    } finally {
      await limited.close();
    }
  });

  it('the confirming turn delivered twice saves one document, and the second delivery says it was saved', async () => {
    const citizen = await registerCitizen(t);
    const bot = await linkedBot(t, citizen.id);
    await cpfWithFileUpToSummary(bot, citizen, 10 * 1024);

    // The first delivery stores the document, then its instance loses the database before saving the conversation:
    // the channel gets no answer and delivers the same activity again, to a conversation still at the summary.
    const save = jest
      .spyOn(t.app.services.conversations, 'save')
      .mockRejectedValueOnce(new Error('connection terminated unexpectedly'));
    await expect(bot.say('sim', [], 'confirm-turn')).rejects.toThrow('connection terminated unexpectedly');
    save.mockRestore();
    expect(await savedDocumentDetails(t, citizen.id)).toHaveLength(1);

    const replies = await bot.say('sim', [], 'confirm-turn');
    expect(replies).toHaveLength(1);
    expect(inOrder(replies[0], [/Documento salvo/, /Posso ajudar/])).toBe(true);
    expect(replies[0]).not.toMatch(/Nada foi alterado/);
    const documents = await savedDocumentDetails(t, citizen.id);
    expect(documents).toHaveLength(1);
    expect(documents[0].file).toMatchObject({ contentType: 'image/png', sizeBytes: 10 * 1024 });
  });
});

describe('3 · the chat asks with the domain’s rules', () => {
  it('takes a name of 80 characters and refuses 81 with the domain’s words; refuses an unknown issuing state likewise', async () => {
    const citizen = await registerCitizen(t);
    const bot = await linkedBot(t, citizen.id);
    const longest = `Carteira do conselho ${'x'.repeat(59)}`;
    expect(Array.from(longest)).toHaveLength(80);
    await play(bot, [
      ['3', [/Qual documento/]],
      ['outro', [/nome desse documento/]],
      [`${longest}y`, [/O nome do documento pode ter no máximo 80 caracteres\./, /nome desse documento/]],
      [longest, [/número do documento/]],
      ['CREA-123', [/data de validade/]],
      ['pular', [/anexar/]],
      ['pular', [new RegExp(`Confira[\\s\\S]*\\(${longest}\\)`)]],
      ['sim', [/Documento salvo/, /Posso ajudar/]],
      ['3', [/Qual documento/]],
      ['identidade', [/De qual estado/]],
      ['XX', [/UF emissora inválida: informe a sigla de um dos 27 estados/, /De qual estado/]],
      ['rj.', [/número do documento \(RG\)/]],
    ]);
    const saved = await savedDocumentDetails(t, citizen.id);
    expect(saved.map((details) => details.document.label)).toEqual([longest]);
  });
});
