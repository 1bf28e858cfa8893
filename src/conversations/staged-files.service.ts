import type { Transactions, Tx } from '../db/repository';
import { newId } from '../shared/ids';
import { detectFileKind, type FileContentType } from '../documents/file-kinds';
import { formatFileSize } from '../documents/file-size';
import type { StagedFile, StagedFileRef, StagedFilesRepository } from './staged-files.repository';

export type { StagedFile, StagedFileRef } from './staged-files.repository';

export type StageOutcome =
  { ok: true; id: string; contentType: FileContentType; description: string } | { ok: false; message: string };

/**
 * Files a citizen sent in the chat while saving a document: kept (in PostgreSQL, so any instance can finish the
 * conversation) until the document is confirmed, then handed to the document service, which encrypts them. Same rules
 * as the upload route: PDF, JPEG or PNG by content, at most the configured size.
 */
export class StagedFilesService {
  constructor(
    private readonly transactions: Transactions,
    private readonly repository: StagedFilesRepository,
    private readonly maxBytes: number,
  ) {}

  /** Checks and keeps a file for a conversation; replaces an earlier one of the same conversation. */
  async stage(channel: string, conversationId: string, bytes: Buffer, name: string | undefined): Promise<StageOutcome> {
    if (bytes.length > this.maxBytes)
      return {
        ok: false,
        message: `O arquivo passa do limite de ${formatFileSize(this.maxBytes)}. Envie um arquivo menor ou toque em Pular.`,
      };
    const kind = detectFileKind(bytes);
    if (!kind)
      return { ok: false, message: 'Tipo de arquivo não aceito: envie uma foto (JPEG ou PNG) ou um PDF, ou toque em Pular.' };
    const id = newId();
    const fileName = (name ?? '').replace(/\p{C}/gu, '').slice(0, 120) || `documento.${kind.extension}`;
    await this.transactions.run((tx) =>
      this.repository.replace(tx, { channel, conversationId, id }, { bytes, fileName, contentType: kind.contentType }),
    );
    const label = kind.contentType === 'application/pdf' ? 'PDF' : kind.contentType === 'image/png' ? 'imagem PNG' : 'foto JPEG';
    return { ok: true, id, contentType: kind.contentType, description: `${label} de ${formatFileSize(bytes.length)}` };
  }

  /**
   * Deletes files left by flows that ended without a confirmation (cancelled, given up, reset after the idle time, an
   * instance gone mid-turn): staged more than `idleMinutes` ago in a conversation with no saved turn for as long, or
   * no conversation at all. Such a flow cannot reach its confirmation any more, and the file (a photo of an identity
   * document, not yet encrypted) must not stay. Returns how many were deleted. Run by the `purge-staged-files` job (src/jobs); `now` is the app's clock.
   */
  purgeAbandoned(idleMinutes: number, now: Date): Promise<number> {
    return this.repository.deleteAbandoned(idleMinutes, now);
  }

  /**
   * The staged file (and removes it) in the caller's transaction, or null when it is gone. Taken in the transaction that
   * stores the document, so a refused save rolls the removal back and the file stays for a retry.
   */
  take(tx: Tx, ref: StagedFileRef): Promise<StagedFile | null> {
    return this.repository.take(tx, ref);
  }
}
