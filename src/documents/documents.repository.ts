import { Repository, refusingDuplicates, type Row, type Tx } from '../db/repository';
import { isUuid } from '../shared/ids';
import type { DocumentTypeCode } from './document-types';
import type { DocumentFields } from './document-input';
import type { EncryptedFile } from './file-crypto';
import type { FileContentType } from './file-kinds';

/**
 * A document the citizen keeps in the wallet. The number is stored normalised (see validateDocumentNumber); calendar
 * dates are `YYYY-MM-DD` strings (a `date` column, no time zone). The file, if any, is a row of `document_files`.
 */
export interface Document {
  id: string;
  userId: string;
  type: DocumentTypeCode;
  number: string;
  label: string | null;
  issuer: string | null;
  issuerState: string | null;
  issuedAt: string | null;
  expiresAt: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What a document's file looks like without its content. */
export interface StoredFileInfo {
  fileName: string;
  contentType: FileContentType;
  sizeBytes: number;
  uploadedAt: Date;
}

/** A file as stored: its name and declared kind, and its content still encrypted. */
export interface StoredFile extends EncryptedFile {
  fileName: string;
  contentType: string;
}

/** A file to store for a document (already encrypted by the service). */
export interface NewFile extends StoredFile {
  documentId: string;
  userId: string;
  sizeBytes: number;
}

/** The citizen already keeps a document of this type with this number (the unique index on owner, type and number). */
export class DuplicateDocument extends Error {
  constructor() {
    super('duplicate document (owner, type, number)');
    this.name = 'DuplicateDocument';
  }
}

/** Which expiry dates a listing keeps: the SQL form of a document status on a given day (see expiry.ts). */
export type ExpiryFilter = { expiresBefore: string } | { expiresFrom: string; expiresTo: string } | { noExpiryOrAfter: string };

export interface DocumentQuery {
  ownerId: string;
  type?: DocumentTypeCode;
  expiry?: ExpiryFilter;
  /** Only ids after this one (keyset paging, ids are time-ordered). */
  after?: string;
  limit?: number;
}

// Dates as text: the drivers would otherwise turn a `date` into a Date at local midnight.
const DOCUMENT_COLUMNS = `id, user_id, type, number, label, issuer, issuer_state,
  to_char(issued_at, 'YYYY-MM-DD') as issued_at, to_char(expires_at, 'YYYY-MM-DD') as expires_at, created_at, updated_at`;

function documentOf(row: Row): Document {
  return {
    id: row.id as string,
    userId: row.user_id as string,
    type: row.type as DocumentTypeCode,
    number: row.number as string,
    label: (row.label as string | null) ?? null,
    issuer: (row.issuer as string | null) ?? null,
    issuerState: (row.issuer_state as string | null) ?? null,
    issuedAt: (row.issued_at as string | null) ?? null,
    expiresAt: (row.expires_at as string | null) ?? null,
    createdAt: new Date(row.created_at as string | Date),
    updatedAt: new Date(row.updated_at as string | Date),
  };
}

/** Drivers return bytea as Buffer (pg) or Uint8Array (PGlite). */
function asBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError('expected bytea');
}

function fileInfoOf(row: Row): StoredFileInfo {
  return {
    fileName: row.file_name as string,
    contentType: row.content_type as FileContentType,
    sizeBytes: Number(row.size_bytes),
    uploadedAt: new Date(row.updated_at as string | Date),
  };
}

/**
 * The documents module's tables: `documents` and `document_files`. Owner filters are applied here (`ownerId`) so
 * that existence and ownership are one query; a non-UUID id finds nothing instead of reaching the uuid column.
 */
export class DocumentsRepository extends Repository {
  /**
   * Serialises one citizen's document writes (quota checks, uploads) across connections and instances by locking the
   * citizen's `users` row: a statement on the accounts module's table, kept here because only document writes take it.
   */
  async lockCitizen(tx: Tx, userId: string): Promise<void> {
    await this.rows('select id from users where id = ? for no key update', [userId], tx);
  }

  /** The document `id`, if it belongs to `ownerId` (any owner when null). Always reads the latest committed row. */
  async find(id: string, ownerId: string | null, tx?: Tx): Promise<Document | null> {
    if (!isUuid(id)) return null;
    const row =
      ownerId === null
        ? await this.row(`select ${DOCUMENT_COLUMNS} from documents where id = ?`, [id], tx)
        : await this.row(`select ${DOCUMENT_COLUMNS} from documents where id = ? and user_id = ?`, [id, ownerId], tx);
    return row && documentOf(row);
  }

  /** A citizen's documents in id (creation) order, filtered by type and expiry; at most `limit` when given. */
  async list(query: DocumentQuery, tx?: Tx): Promise<Document[]> {
    const conditions = ['user_id = ?'];
    const params: unknown[] = [query.ownerId];
    if (query.type !== undefined) {
      conditions.push('type = ?');
      params.push(query.type);
    }
    const expiry = query.expiry;
    if (expiry && 'expiresBefore' in expiry) {
      conditions.push('expires_at < ?');
      params.push(expiry.expiresBefore);
    } else if (expiry && 'expiresFrom' in expiry) {
      conditions.push('expires_at >= ? and expires_at <= ?');
      params.push(expiry.expiresFrom, expiry.expiresTo);
    } else if (expiry) {
      conditions.push('(expires_at is null or expires_at > ?)');
      params.push(expiry.noExpiryOrAfter);
    }
    if (query.after !== undefined) {
      conditions.push('id > ?');
      params.push(query.after);
    }
    const limit = query.limit === undefined ? '' : ` limit ${Number(query.limit)}`;
    const rows = await this.rows(
      `select ${DOCUMENT_COLUMNS} from documents where ${conditions.join(' and ')} order by id${limit}`,
      params,
      tx,
    );
    return rows.map(documentOf);
  }

  /** How many documents the citizen keeps. */
  async countOf(tx: Tx, userId: string): Promise<number> {
    const row = await this.row<{ n: number }>('select count(*)::int as n from documents where user_id = ?', [userId], tx);
    return row?.n ?? 0;
  }

  /** Inserts a document; {@link DuplicateDocument} when the citizen keeps one of this type and number already. */
  async insert(tx: Tx, id: string, userId: string, fields: DocumentFields): Promise<Document> {
    const row = await refusingDuplicates(
      this.row(
        `insert into documents (id, user_id, type, number, label, issuer, issuer_state, issued_at, expires_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)
       returning ${DOCUMENT_COLUMNS}`,
        [
          id,
          userId,
          fields.type,
          fields.number,
          fields.label,
          fields.issuer,
          fields.issuerState,
          fields.issuedAt,
          fields.expiresAt,
        ],
        tx,
      ),
      () => new DuplicateDocument(),
    );
    return documentOf(row!);
  }

  /** Replaces a document's fields (all of them, already validated); {@link DuplicateDocument} as for an insert. */
  async update(tx: Tx, id: string, fields: DocumentFields): Promise<Document> {
    const row = await refusingDuplicates(
      this.row(
        `update documents set type = ?, number = ?, label = ?, issuer = ?, issuer_state = ?, issued_at = ?, expires_at = ?,
              updated_at = now()
        where id = ?
       returning ${DOCUMENT_COLUMNS}`,
        [fields.type, fields.number, fields.label, fields.issuer, fields.issuerState, fields.issuedAt, fields.expiresAt, id],
        tx,
      ),
      () => new DuplicateDocument(),
    );
    return documentOf(row!);
  }

  /** Deletes a document; its file, verification links and their accesses go with it (cascades). */
  async delete(tx: Tx, id: string): Promise<void> {
    await this.run('delete from documents where id = ?', [id], tx);
  }

  /** Deletes every document of a citizen (LGPD erasure), with their files and links. */
  async deleteAllOf(tx: Tx, userId: string): Promise<void> {
    await this.run('delete from documents where user_id = ?', [userId], tx);
  }

  /** The files' metadata of these documents, by document id (documents without a file are absent). */
  async filesOf(documentIds: string[], tx?: Tx): Promise<Map<string, StoredFileInfo>> {
    if (documentIds.length === 0) return new Map();
    const rows = await this.rows(
      `select document_id, file_name, content_type, size_bytes, updated_at
         from document_files where document_id in (${documentIds.map(() => '?').join(', ')})`,
      documentIds,
      tx,
    );
    return new Map(rows.map((row) => [row.document_id as string, fileInfoOf(row)]));
  }

  /** Bytes the citizen's files take, leaving out the file of `exceptDocumentId` (the one about to be replaced). */
  async fileBytesUsed(tx: Tx, userId: string, exceptDocumentId: string): Promise<number> {
    const row = await this.row<{ used: string | number }>(
      'select coalesce(sum(size_bytes), 0) as used from document_files where user_id = ? and document_id <> ?',
      [userId, exceptDocumentId],
      tx,
    );
    return Number(row?.used ?? 0);
  }

  /** Stores a document's file, replacing the previous one in place (so concurrent uploads leave exactly one). */
  async upsertFile(tx: Tx, file: NewFile): Promise<void> {
    await this.run(
      `insert into document_files
         (document_id, user_id, file_name, content_type, size_bytes, iv, auth_tag, ciphertext, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, now(), now())
       on conflict (document_id) do update set
         file_name = excluded.file_name, content_type = excluded.content_type, size_bytes = excluded.size_bytes,
         iv = excluded.iv, auth_tag = excluded.auth_tag, ciphertext = excluded.ciphertext, updated_at = now()`,
      [file.documentId, file.userId, file.fileName, file.contentType, file.sizeBytes, file.iv, file.authTag, file.ciphertext],
      tx,
    );
  }

  /** A document's file, still encrypted, or null when it has none. */
  async encryptedFile(documentId: string): Promise<StoredFile | null> {
    const row = await this.row(
      'select file_name, content_type, iv, auth_tag, ciphertext from document_files where document_id = ?',
      [documentId],
    );
    if (!row) return null;
    return {
      fileName: row.file_name as string,
      contentType: row.content_type as string,
      iv: asBuffer(row.iv),
      authTag: asBuffer(row.auth_tag),
      ciphertext: asBuffer(row.ciphertext),
    };
  }

  /** Deletes a document's file; false when it had none. */
  async deleteFile(tx: Tx, documentId: string): Promise<boolean> {
    return (await this.run('delete from document_files where document_id = ?', [documentId], tx)) > 0;
  }
}
