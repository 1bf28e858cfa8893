import type { EntityManager } from '../db/orm';
import type { Tx } from '../db/repository';
import { newId } from '../shared/ids';
import { detectFileKind, type FileContentType } from '../documents/file-kinds';
import { formatFileSize } from '../documents/file-size';

/** Where a staged file is: the conversation that staged it and its id there. */
export interface StagedFileRef {
  channel: string;
  conversationId: string;
  id: string;
}

export type StageOutcome =
  { ok: true; id: string; contentType: FileContentType; description: string } | { ok: false; message: string };

/**
 * Files a citizen sent in the chat while saving a document: kept (in PostgreSQL, so any instance can finish the
 * conversation) until the document is confirmed, then handed to the document service, which encrypts them. Same rules
 * as the upload route: PDF, JPEG or PNG by content, at most the configured size.
 */
export class StagedFilesService {
  constructor(
    private readonly em: EntityManager,
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
    await this.em.transactional(async (em) => {
      await em.execute('delete from bot_staged_files where channel = ? and conversation_id = ?', [channel, conversationId]);
      await em.execute(
        'insert into bot_staged_files (id, channel, conversation_id, content_type, file_name, bytes) values (?, ?, ?, ?, ?, ?)',
        [id, channel, conversationId, kind.contentType, fileName, bytes],
      );
    });
    const label = kind.contentType === 'application/pdf' ? 'PDF' : kind.contentType === 'image/png' ? 'imagem PNG' : 'foto JPEG';
    return { ok: true, id, contentType: kind.contentType, description: `${label} de ${formatFileSize(bytes.length)}` };
  }

  /**
   * Deletes files left by flows that ended without a confirmation (cancelled, given up, reset after the idle time, an
   * instance gone mid-turn): staged more than `idleMinutes` ago in a conversation with no saved turn for as long, or
   * no conversation at all. Such a flow cannot reach its confirmation any more, and the file (a photo of an identity
   * document, not yet encrypted) must not stay. Returns how many were deleted. Run periodically by the app.
   */
  async purgeAbandoned(idleMinutes: number): Promise<number> {
    // From a timer, outside any request: straight to the connection (no unit of work needed for one DELETE).
    const rows = await this.em.getConnection().execute<{ id: string }[]>(
      `delete from bot_staged_files f
        where f.created_at < now() - make_interval(mins => ?)
          and not exists (select 1 from conversations c
                           where c.channel = f.channel and c.conversation_id = f.conversation_id
                             and c.updated_at >= now() - make_interval(mins => ?))
        returning f.id`,
      [idleMinutes, idleMinutes],
    );
    return rows.length;
  }

  /**
   * The staged file (and removes it) in the caller's transaction, or null when it is gone. Taken in the transaction that
   * stores the document, so a refused save rolls the removal back and the file stays for a retry.
   */
  async take(tx: Tx, ref: StagedFileRef): Promise<{ bytes: Buffer; fileName: string } | null> {
    const rows = await tx.execute<{ bytes: Buffer | Uint8Array; file_name: string }[]>(
      'delete from bot_staged_files where id = ? and channel = ? and conversation_id = ? returning bytes, file_name',
      [ref.id, ref.channel, ref.conversationId],
    );
    const row = rows[0];
    return row ? { bytes: Buffer.from(row.bytes), fileName: row.file_name } : null;
  }
}
