import { UniqueConstraintViolationException, type QueryResult } from '@mikro-orm/core';
import type { EntityManager } from '../db/orm';
import type { AccountParticipant } from '../accounts/accounts.service';
import { type Actor, requireOwner } from '../accounts/policies';
import { DomainError, validationError } from '../shared/errors';
import { isUuid } from '../shared/ids';
import type { Logger } from '../shared/logger';
import type { AuditEventName, AuditService } from '../shared/audit.service';
import type { RequestInfo } from '../shared/request-info';
import { type Page, type PageRequest, pageOf } from '../shared/pagination';
import { Document } from './document.entity';
import { DOCUMENT_TYPE_CODES, findDocumentType } from './document-types';
import {
  applyDocumentPatch,
  validateDocumentInput,
  type DocumentFields,
  type DocumentInput,
  type DocumentPatch,
} from './document-input';
import { DOCUMENT_STATUSES, EXPIRING_WINDOW_DAYS, addDays, documentStatus, todayInRio, type DocumentStatus } from './expiry';
import { decryptFile, encryptFile } from './file-crypto';
import { cleanFileName, detectFileKind, fileKindOf, type FileContentType } from './file-kinds';
import { formatFileSize } from './file-size';
import { fileTooLarge, unsupportedFileType, type UploadedFile } from './uploaded-file';

export interface DocumentsOptions {
  quotaCount: number;
  quotaBytes: number;
  maxFileBytes: number;
  /** 32-byte AES-256-GCM key for files. */
  fileKey: Buffer;
}

/** What a document's file looks like without its content. */
export interface StoredFileInfo {
  fileName: string;
  contentType: FileContentType;
  sizeBytes: number;
  uploadedAt: Date;
}

/** A document as services hand it to the edges: the row, its status today and its file's metadata. */
export interface DocumentDetails {
  document: Document;
  status: DocumentStatus;
  file: StoredFileInfo | null;
}

/** A decrypted file ready to send. */
export interface DocumentFileContent {
  fileName: string;
  contentType: FileContentType;
  bytes: Buffer;
}

export interface DocumentFilters {
  type?: string;
  status?: string;
}

const NOT_FOUND = 'Documento não encontrado.';

interface FileRow {
  document_id: string;
  file_name: string;
  content_type: string;
  size_bytes: number | string;
  updated_at: Date | string;
}

/** Drivers return bytea as Buffer (pg) or Uint8Array (PGlite). */
function asBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError('expected bytea');
}

function fileInfo(row: FileRow): StoredFileInfo {
  return {
    fileName: row.file_name,
    contentType: row.content_type as FileContentType,
    sizeBytes: Number(row.size_bytes),
    uploadedAt: new Date(row.updated_at),
  };
}

function fieldsOf(document: Document): DocumentFields {
  return {
    type: document.type,
    number: document.number,
    label: document.label ?? null,
    issuer: document.issuer ?? null,
    issuerState: document.issuerState ?? null,
    issuedAt: document.issuedAt ?? null,
    expiresAt: document.expiresAt ?? null,
  };
}

/**
 * The citizen's documents and their encrypted files: always scoped to the caller (another citizen's document answers
 * `not-found`), with per-citizen quotas. Every write first locks the citizen's row, so quota checks and concurrent
 * uploads to one document are serialised per citizen and can never overshoot or leave a second file behind.
 */
export class DocumentsService implements AccountParticipant {
  constructor(
    private readonly em: EntityManager,
    private readonly options: DocumentsOptions,
    private readonly logger: Logger,
    private readonly audit: AuditService,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Records a change to a document in the audit trail, in the change's transaction. Only ids and the type: never the
   * number or any other content of the document.
   */
  recordChange(
    em: EntityManager,
    event: AuditEventName,
    actor: Actor,
    document: { id: string; type: string },
    info: RequestInfo,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    return this.audit.record(em, event, info, {
      actorId: actor.id,
      subjectId: actor.id,
      details: { documentId: document.id, type: document.type, ...details },
    });
  }

  /** The largest file accepted, for edges that must stop reading an upload beyond it. */
  get maxFileBytes(): number {
    return this.options.maxFileBytes;
  }

  /** Today's date in Rio, which document statuses are relative to. */
  today(): string {
    return todayInRio(this.clock());
  }

  /**
   * The caller's documents, oldest first, a keyset page at a time; optionally only one type, or only those with a
   * status (`expiring`: expiry date within the next 30 days, today included).
   */
  async list(actor: Actor, filters: DocumentFilters, page: PageRequest): Promise<Page<DocumentDetails>> {
    const where: Record<string, unknown> = { userId: actor.id };
    const errors = [];
    if (filters.type !== undefined && filters.type !== '') {
      if (findDocumentType(filters.type)) where.type = filters.type;
      else
        errors.push({ field: 'type', message: `Tipo desconhecido: use um destes códigos: ${DOCUMENT_TYPE_CODES.join(', ')}.` });
    }
    if (filters.status !== undefined && filters.status !== '') {
      const today = this.today();
      const windowEnd = addDays(today, EXPIRING_WINDOW_DAYS);
      switch (filters.status as DocumentStatus) {
        case 'expired':
          where.expiresAt = { $lt: today };
          break;
        case 'expiring':
          where.expiresAt = { $gte: today, $lte: windowEnd };
          break;
        case 'valid':
          where.$or = [{ expiresAt: null }, { expiresAt: { $gt: windowEnd } }];
          break;
        default:
          errors.push({ field: 'status', message: `Situação desconhecida: use ${DOCUMENT_STATUSES.join(', ')}.` });
      }
    }
    if (errors.length > 0) throw validationError(errors);
    if (page.cursor) where.id = { $gt: page.cursor };
    const rows = await this.em.find(Document, where, { orderBy: { id: 'asc' }, limit: page.limit + 1 });
    const result = pageOf(rows, page.limit, (document) => document.id);
    return { items: await this.withDetails(this.em, result.items), nextCursor: result.nextCursor };
  }

  /** One of the caller's documents. */
  async get(actor: Actor, id: string): Promise<DocumentDetails> {
    const document = await this.findOwned(this.em, actor, id);
    return (await this.withDetails(this.em, [document]))[0];
  }

  /**
   * Saves a new document after validating it for its type. Refused with `quota-exceeded` when the citizen already
   * keeps the maximum number of documents, and with `conflict` when the same type and number are already saved.
   */
  async create(actor: Actor, input: DocumentInput, info: RequestInfo): Promise<DocumentDetails> {
    const fields = validateDocumentInput(input, this.today());
    try {
      const document = await this.em.transactional(async (em) => {
        await this.lockCitizen(em, actor.id);
        const [{ n }] = await em.execute<Array<{ n: number }>>('select count(*)::int as n from documents where user_id = ?', [
          actor.id,
        ]);
        if (n >= this.options.quotaCount) {
          throw new DomainError(
            'quota-exceeded',
            `Você atingiu o limite de ${this.options.quotaCount} documentos na carteira. Exclua um documento para guardar outro.`,
          );
        }
        const created = em.create(Document, { userId: actor.id, ...fields });
        await em.flush();
        await this.recordChange(em, 'document_created', actor, created, info);
        return created;
      });
      return { document, status: documentStatus(document.expiresAt, this.today()), file: null };
    } catch (error) {
      throw this.duplicateError(error) ?? error;
    }
  }

  /** Changes a document; the result is validated exactly like a new one (a type change re-checks number and dates). */
  async update(actor: Actor, id: string, patch: DocumentPatch, info: RequestInfo): Promise<DocumentDetails> {
    try {
      const document = await this.em.transactional(async (em) => {
        await this.lockCitizen(em, actor.id);
        const saved = await this.findOwned(em, actor, id);
        const fields = validateDocumentInput(applyDocumentPatch(fieldsOf(saved), patch), this.today());
        const previousType = saved.type;
        em.assign(saved, fields);
        await em.flush();
        await this.recordChange(em, 'document_updated', actor, saved, info, {
          fields: Object.keys(patch).sort(),
          ...(previousType !== saved.type ? { previousType } : {}),
        });
        return saved;
      });
      return (await this.withDetails(this.em, [document]))[0];
    } catch (error) {
      throw this.duplicateError(error) ?? error;
    }
  }

  /** Deletes a document with its file and verification links (the database cascades them). */
  async remove(actor: Actor, id: string, info: RequestInfo): Promise<void> {
    await this.em.transactional(async (em) => {
      await this.lockCitizen(em, actor.id);
      const document = await this.findOwned(em, actor, id);
      await em.nativeDelete(Document, { id: document.id });
      await this.recordChange(em, 'document_deleted', actor, document, info);
    });
  }

  /**
   * Stores (or replaces) a document's file, encrypted with AES-256-GCM. The kind is decided by the content (PDF, JPEG,
   * PNG); the size must fit the per-file limit and, with the citizen's other files, the storage quota. The file row is
   * replaced in place, so of concurrent uploads exactly one whole file remains.
   */
  async storeFile(actor: Actor, id: string, upload: UploadedFile, info: RequestInfo): Promise<DocumentDetails> {
    const document = await this.findOwned(this.em, actor, id);
    if (upload.bytes.length === 0) throw validationError([{ field: 'file', message: 'O arquivo está vazio.' }]);
    if (upload.bytes.length > this.options.maxFileBytes) throw fileTooLarge(this.options.maxFileBytes);
    const kind = detectFileKind(upload.bytes);
    if (!kind) throw unsupportedFileType();
    const fileName = cleanFileName(upload.fileName, kind, findDocumentType(document.type)?.shortLabel ?? 'documento');
    const encrypted = encryptFile(this.options.fileKey, document.id, upload.bytes);

    await this.em.transactional(async (em) => {
      await this.lockCitizen(em, actor.id);
      await this.findOwned(em, actor, id);
      const [{ used }] = await em.execute<Array<{ used: string | number }>>(
        'select coalesce(sum(size_bytes), 0) as used from document_files where user_id = ? and document_id <> ?',
        [actor.id, document.id],
      );
      if (Number(used) + upload.bytes.length > this.options.quotaBytes) {
        const limit = formatFileSize(this.options.quotaBytes);
        throw new DomainError(
          'quota-exceeded',
          `Os arquivos da sua carteira passariam do limite de ${limit} (em uso: ${formatFileSize(Number(used))}). ` +
            'Exclua ou substitua arquivos para liberar espaço.',
        );
      }
      await em.execute(
        `insert into document_files
           (document_id, user_id, file_name, content_type, size_bytes, iv, auth_tag, ciphertext, created_at, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, now(), now())
         on conflict (document_id) do update set
           file_name = excluded.file_name, content_type = excluded.content_type, size_bytes = excluded.size_bytes,
           iv = excluded.iv, auth_tag = excluded.auth_tag, ciphertext = excluded.ciphertext, updated_at = now()`,
        [
          document.id,
          actor.id,
          fileName,
          kind.contentType,
          upload.bytes.length,
          encrypted.iv,
          encrypted.authTag,
          encrypted.ciphertext,
        ],
      );
      await this.recordChange(em, 'document_file_stored', actor, document, info, {
        contentType: kind.contentType,
        sizeBytes: upload.bytes.length,
      });
    });
    return this.get(actor, id);
  }

  /**
   * The document's file, decrypted. `not-found` when it has none; `file-corrupted` (logged) when the stored bytes
   * fail authentication: altered bytes are never returned.
   */
  async readFile(actor: Actor, id: string): Promise<DocumentFileContent> {
    const document = await this.findOwned(this.em, actor, id);
    const rows = await this.em.execute<Array<FileRow & { iv: unknown; auth_tag: unknown; ciphertext: unknown }>>(
      `select document_id, file_name, content_type, size_bytes, updated_at, iv, auth_tag, ciphertext
         from document_files where document_id = ?`,
      [document.id],
    );
    if (rows.length === 0) throw new DomainError('not-found', 'Este documento não tem arquivo.');
    const row = rows[0];
    const kind = fileKindOf(row.content_type);
    try {
      if (!kind) throw new DomainError('file-corrupted');
      const bytes = decryptFile(this.options.fileKey, document.id, {
        iv: asBuffer(row.iv),
        authTag: asBuffer(row.auth_tag),
        ciphertext: asBuffer(row.ciphertext),
      });
      return { fileName: row.file_name, contentType: kind.contentType, bytes };
    } catch (error) {
      if (error instanceof DomainError && error.code === 'file-corrupted') {
        this.logger.error({ documentId: document.id }, 'stored document file failed authentication');
      }
      throw error;
    }
  }

  /** Deletes the document's file (the document stays). `not-found` when it has none. */
  async removeFile(actor: Actor, id: string, info: RequestInfo): Promise<void> {
    await this.em.transactional(async (em) => {
      await this.lockCitizen(em, actor.id);
      const document = await this.findOwned(em, actor, id);
      const deleted = await em.execute<QueryResult>('delete from document_files where document_id = ?', [document.id], 'run');
      if (deleted.affectedRows === 0) throw new DomainError('not-found', 'Este documento não tem arquivo.');
      await this.recordChange(em, 'document_file_deleted', actor, document, info);
    });
  }

  /** LGPD erasure: every document of the citizen goes, and with it (by cascade) files, links and their access log. */
  async onErased(em: EntityManager, userId: string): Promise<void> {
    await this.lockCitizen(em, userId);
    await em.execute('delete from documents where user_id = ?', [userId]);
  }

  /** The documents' metadata for the data export (numbers included: it is the citizen's own data; no file content). */
  async exportSection(em: EntityManager, userId: string): Promise<[string, unknown]> {
    const documents = await em.find(Document, { userId }, { orderBy: { id: 'asc' } });
    const details = await this.withDetails(em, documents);
    return [
      'documents',
      details.map(({ document, status, file }) => ({
        id: document.id,
        type: document.type,
        typeLabel: findDocumentType(document.type)?.label ?? document.type,
        number: document.number,
        label: document.label ?? null,
        issuer: document.issuer ?? null,
        issuerState: document.issuerState ?? null,
        issuedAt: document.issuedAt ?? null,
        expiresAt: document.expiresAt ?? null,
        status,
        file: file && { ...file, uploadedAt: file.uploadedAt.toISOString() },
        createdAt: document.createdAt.toISOString(),
        updatedAt: document.updatedAt.toISOString(),
      })),
    ];
  }

  /**
   * Loads a document and checks it is the caller's; someone else's answers exactly like a missing one. Reads the
   * database even if the entity was loaded before, so a check inside a transaction sees the latest committed row.
   */
  async findOwned(em: EntityManager, actor: Actor, id: string): Promise<Document> {
    if (!isUuid(id)) throw new DomainError('not-found', NOT_FOUND);
    const document = await em.findOne(Document, { id }, { refresh: true });
    if (!document) throw new DomainError('not-found', NOT_FOUND);
    requireOwner(actor, document.userId, 'Documento');
    return document;
  }

  /** Serialises this citizen's document writes (quota checks, uploads) across connections and instances. */
  async lockCitizen(em: EntityManager, userId: string): Promise<void> {
    await em.execute('select id from users where id = ? for no key update', [userId]);
  }

  private async withDetails(em: EntityManager, documents: Document[]): Promise<DocumentDetails[]> {
    if (documents.length === 0) return [];
    const ids = documents.map((document) => document.id);
    const rows = await em.execute<FileRow[]>(
      `select document_id, file_name, content_type, size_bytes, updated_at
         from document_files where document_id in (${ids.map(() => '?').join(', ')})`,
      ids,
    );
    const files = new Map(rows.map((row) => [row.document_id, fileInfo(row)]));
    const today = this.today();
    return documents.map((document) => ({
      document,
      status: documentStatus(document.expiresAt, today),
      file: files.get(document.id) ?? null,
    }));
  }

  /** The unique index on (owner, type, number) -> the conflict the citizen can act on. */
  private duplicateError(error: unknown): DomainError | undefined {
    if (!(error instanceof UniqueConstraintViolationException)) return undefined;
    return new DomainError('conflict', 'Você já guardou um documento deste tipo com este número.', {
      errors: [{ field: 'number', message: 'Documento já guardado na carteira.' }],
    });
  }
}
