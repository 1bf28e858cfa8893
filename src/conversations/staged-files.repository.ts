import { Repository, type Tx } from '../db/repository';
import type { FileContentType } from '../documents/file-kinds';

/** Where a staged file is: the conversation that staged it and its id there. */
export interface StagedFileRef {
  channel: string;
  conversationId: string;
  id: string;
}

/** A staged file's content and the name it was sent with. */
export interface StagedFile {
  bytes: Buffer;
  fileName: string;
}

/** Files sent in the chat and not yet saved with a document (`bot_staged_files`): one per conversation at most. */
export class StagedFilesRepository extends Repository {
  /** Keeps `file` as the conversation's staged file, replacing an earlier one. */
  async replace(tx: Tx, ref: StagedFileRef, file: StagedFile & { contentType: FileContentType }): Promise<void> {
    await this.run(
      'delete from bot_staged_files where channel = ? and conversation_id = ?',
      [ref.channel, ref.conversationId],
      tx,
    );
    await this.run(
      'insert into bot_staged_files (id, channel, conversation_id, content_type, file_name, bytes) values (?, ?, ?, ?, ?, ?)',
      [ref.id, ref.channel, ref.conversationId, file.contentType, file.fileName, file.bytes],
      tx,
    );
  }

  /** Removes the staged file and returns it, or null when it is gone. */
  async take(tx: Tx, ref: StagedFileRef): Promise<StagedFile | null> {
    const row = await this.row<{ bytes: Buffer | Uint8Array; file_name: string }>(
      'delete from bot_staged_files where id = ? and channel = ? and conversation_id = ? returning bytes, file_name',
      [ref.id, ref.channel, ref.conversationId],
      tx,
    );
    return row ? { bytes: Buffer.from(row.bytes), fileName: row.file_name } : null;
  }

  /**
   * Deletes files staged more than `idleMinutes` before `now` (the app's clock) whose conversation has had no saved turn for as long (or has no
   * conversation at all); returns how many. Reads the bot's `conversations` table, whose time stamp says a flow is idle.
   */
  async deleteAbandoned(idleMinutes: number, now: Date): Promise<number> {
    const rows = await this.rows<{ id: string }>(
      `delete from bot_staged_files f
        where f.created_at < ?::timestamptz - make_interval(mins => ?)
          and not exists (select 1 from conversations c
                           where c.channel = f.channel and c.conversation_id = f.conversation_id
                             and c.updated_at >= ?::timestamptz - make_interval(mins => ?))
        returning f.id`,
      [now, idleMinutes, now, idleMinutes],
    );
    return rows.length;
  }

  /** LGPD erasure: the files staged in the citizen's conversations (before the conversations go). */
  async deleteAllOfCitizen(tx: Tx, userId: string): Promise<void> {
    await this.run(
      `delete from bot_staged_files f using conversations c
        where c.user_id = ? and f.channel = c.channel and f.conversation_id = c.conversation_id`,
      [userId],
      tx,
    );
  }
}
