import type { AccountParticipant } from '../accounts/accounts.service';
import type { Transactions, Tx } from '../db/repository';
import type { Actor } from '../shared/access';
import { DomainError, validationError } from '../shared/errors';
import { newId } from '../shared/ids';
import type { Logger } from '../shared/logger';
import type { AuditEventName, AuditService } from '../shared/audit.service';
import type { RequestInfo } from '../shared/request-info';
import { type Page, type PageRequest, pageOf } from '../shared/pagination';
import { DOCUMENT_TYPE_CODES, findDocumentType, type DocumentTypeCode } from './document-types';
import {
  applyDocumentPatch,
  validateDocumentInput,
  type DocumentFields,
  type DocumentInput,
  type DocumentPatch,
} from './document-input';
import { documentAccess, type DocumentAction } from './document-access';
import {
  DuplicateDocument,
  type Document,
  type DocumentsRepository,
  type ExpiryFilter,
  type StoredFileInfo,
} from './documents.repository';
import { DOCUMENT_STATUSES, EXPIRING_WINDOW_DAYS, addDays, documentStatus, todayInRio, type DocumentStatus } from './expiry';
import { decryptFile, encryptFile } from './file-crypto';
import { cleanFileName, detectFileKind, fileKindOf, type FileContentType, type FileKind } from './file-kinds';
import { formatFileSize } from './file-size';
import { fileTooLarge, unsupportedFileType, type UploadedFile } from './uploaded-file';
import { type IdempotencyService, type IdempotentResult, parseIdempotencyKey } from '../transport/idempotency';
import type { StagedFileRef, StagedFilesService } from '../conversations/staged-files.service';
import type { Outbox } from '../notifications/outbox';
import type { EventOrigin } from '../shared/domain-events';

export type { Document, StoredFileInfo } from './documents.repository';

export interface DocumentsOptions {
  quotaCount: number;
  quotaBytes: number;
  maxFileBytes: number;
  /** 32-byte AES-256-GCM key for files. */
  fileKey: Buffer;
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

const STAGED_FILE_GONE = 'O arquivo que você enviou não está mais disponível. Envie o arquivo de novo ou siga sem arquivo.';
const NO_FILE = 'Este documento não tem arquivo.';

/** A file's kind, decided by its content, once it is known to be non-empty and within the per-file limit. */
function checkFile(upload: UploadedFile, maxBytes: number): FileKind {
  if (upload.bytes.length === 0) throw validationError([{ field: 'file', message: 'O arquivo está vazio.' }]);
  if (upload.bytes.length > maxBytes) throw fileTooLarge(maxBytes);
  const kind = detectFileKind(upload.bytes);
  if (!kind) throw unsupportedFileType();
  return kind;
}

function fieldsOf(document: Document): DocumentFields {
  return {
    type: document.type,
    number: document.number,
    label: document.label,
    issuer: document.issuer,
    issuerState: document.issuerState,
    issuedAt: document.issuedAt,
    expiresAt: document.expiresAt,
  };
}

/**
 * The citizen's documents and their encrypted files: always scoped to the caller (another citizen's document answers
 * `not-found`, documentAccess), with per-citizen quotas. Every write first locks the citizen's row, so quota checks and
 * concurrent uploads to one document are serialised per citizen and can never overshoot or leave a second file behind.
 */
export class DocumentsService implements AccountParticipant {
  constructor(
    private readonly transactions: Transactions,
    private readonly repository: DocumentsRepository,
    private readonly options: DocumentsOptions,
    private readonly logger: Logger,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly stagedFiles: StagedFilesService,
    private readonly outbox: Outbox,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Records a change to a document in the audit trail, in the change's transaction. Only ids and the type: never the
   * number or any other content of the document.
   */
  recordChange(
    tx: Tx,
    event: AuditEventName,
    actor: Actor,
    document: { id: string; type: string },
    info: RequestInfo,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    return this.audit.record(tx, event, info, {
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
    const errors = [];
    let type: DocumentTypeCode | undefined;
    if (filters.type !== undefined && filters.type !== '') {
      type = findDocumentType(filters.type)?.code;
      if (!type)
        errors.push({ field: 'type', message: `Tipo desconhecido: use um destes códigos: ${DOCUMENT_TYPE_CODES.join(', ')}.` });
    }
    let expiry: ExpiryFilter | undefined;
    if (filters.status !== undefined && filters.status !== '') {
      expiry = this.expiryFilter(filters.status);
      if (!expiry) errors.push({ field: 'status', message: `Situação desconhecida: use ${DOCUMENT_STATUSES.join(', ')}.` });
    }
    if (errors.length > 0) throw validationError(errors);
    const rows = await this.repository.list({ ownerId: actor.id, type, expiry, after: page.cursor, limit: page.limit + 1 });
    const result = pageOf(rows, page.limit, (document) => document.id);
    return { items: await this.withDetails(result.items), nextCursor: result.nextCursor };
  }

  /** One of the caller's documents. */
  async get(actor: Actor, id: string): Promise<DocumentDetails> {
    const document = await this.findAllowed(actor, 'read', id);
    return (await this.withDetails([document]))[0];
  }

  /**
   * Saves a new document after validating it for its type. Refused with `quota-exceeded` when the citizen already
   * keeps the maximum number of documents, and with `conflict` when the same type and number are already saved.
   */
  async create(actor: Actor, input: DocumentInput, info: RequestInfo): Promise<DocumentDetails> {
    const fields = validateDocumentInput(input, this.today());
    try {
      const document = await this.transactions.run((tx) => this.insertDocument(tx, actor, fields, info, null));
      this.outbox.committed();
      return { document, status: documentStatus(document.expiresAt, this.today()), file: null };
    } catch (error) {
      throw this.duplicateError(error) ?? error;
    }
  }

  /**
   * Saves a new document together with a file staged in a conversation, as the chat's "salvar documento" confirms it:
   * one transaction under the caller's idempotency key. Either the document and its encrypted file are both stored
   * (the staged copy removed) or nothing is: a refused file (`quota-exceeded`, `file-too-large`...) leaves no document
   * and keeps the staged file, so the citizen can try again. A repeated call with the same key (a redelivered chat
   * turn) answers the first outcome with `replayed: true` and stores nothing twice. A staged file that is gone (purged
   * after the idle time, replaced by a later one) answers `not-found` rather than saving the document without it.
   * `origin` is the conversation saving it: its 'document-saved' notice goes to the citizen's other conversations only.
   */
  async createWithStagedFile(
    actor: Actor,
    input: DocumentInput,
    stagedFile: StagedFileRef | null,
    idempotencyKey: string,
    info: RequestInfo,
    origin: EventOrigin | null = null,
  ): Promise<IdempotentResult<{ documentId: string }>> {
    const key = parseIdempotencyKey(idempotencyKey);
    const fields = validateDocumentInput(input, this.today());
    try {
      const outcome = await this.idempotency.run(
        { userId: actor.id, operation: 'document.create', key, request: { document: fields, stagedFile } },
        async (tx) => {
          const document = await this.insertDocument(tx, actor, fields, info, origin);
          if (stagedFile) {
            const file = await this.stagedFiles.take(tx, stagedFile);
            if (!file) throw new DomainError('not-found', STAGED_FILE_GONE);
            await this.writeFile(tx, actor, document, file, info);
          }
          return { documentId: document.id };
        },
      );
      if (!outcome.replayed) this.outbox.committed();
      return outcome;
    } catch (error) {
      throw this.duplicateError(error) ?? error;
    }
  }

  /** Changes a document; the result is validated exactly like a new one (a type change re-checks number and dates). */
  async update(actor: Actor, id: string, patch: DocumentPatch, info: RequestInfo): Promise<DocumentDetails> {
    const { ownerId } = documentAccess.scope(actor, 'change');
    try {
      const document = await this.transactions.run(async (tx) => {
        await this.repository.lockCitizen(tx, actor.id);
        const saved = await this.repository.find(id, ownerId, tx);
        if (!saved) throw documentAccess.notFound();
        const fields = validateDocumentInput(applyDocumentPatch(fieldsOf(saved), patch), this.today());
        const updated = await this.repository.update(tx, saved.id, fields);
        await this.recordChange(tx, 'document_updated', actor, updated, info, {
          fields: Object.keys(patch).sort(),
          ...(saved.type !== updated.type ? { previousType: saved.type } : {}),
        });
        return updated;
      });
      return (await this.withDetails([document]))[0];
    } catch (error) {
      throw this.duplicateError(error) ?? error;
    }
  }

  /** Deletes a document with its file and verification links (the database cascades them). */
  async remove(actor: Actor, id: string, info: RequestInfo): Promise<void> {
    const { ownerId } = documentAccess.scope(actor, 'remove');
    await this.transactions.run(async (tx) => {
      await this.repository.lockCitizen(tx, actor.id);
      const document = await this.repository.find(id, ownerId, tx);
      if (!document) throw documentAccess.notFound();
      await this.repository.delete(tx, document.id);
      await this.recordChange(tx, 'document_deleted', actor, document, info);
    });
  }

  /**
   * Stores (or replaces) a document's file, encrypted with AES-256-GCM. The kind is decided by the content (PDF, JPEG,
   * PNG); the size must fit the per-file limit and, with the citizen's other files, the storage quota. The file row is
   * replaced in place, so of concurrent uploads exactly one whole file remains.
   */
  async storeFile(actor: Actor, id: string, upload: UploadedFile, info: RequestInfo): Promise<DocumentDetails> {
    const { ownerId } = documentAccess.scope(actor, 'change');
    await this.transactions.run(async (tx) => {
      await this.repository.lockCitizen(tx, actor.id);
      const document = await this.repository.find(id, ownerId, tx);
      if (!document) throw documentAccess.notFound();
      await this.writeFile(tx, actor, document, upload, info);
    });
    return this.get(actor, id);
  }

  /**
   * The document's file, decrypted. `not-found` when it has none; `file-corrupted` (logged) when the stored bytes
   * fail authentication: altered bytes are never returned.
   */
  async readFile(actor: Actor, id: string): Promise<DocumentFileContent> {
    const document = await this.findAllowed(actor, 'read', id);
    const stored = await this.repository.encryptedFile(document.id);
    if (!stored) throw new DomainError('not-found', NO_FILE);
    const kind = fileKindOf(stored.contentType);
    try {
      if (!kind) throw new DomainError('file-corrupted');
      const bytes = decryptFile(this.options.fileKey, document.id, stored);
      return { fileName: stored.fileName, contentType: kind.contentType, bytes };
    } catch (error) {
      if (error instanceof DomainError && error.code === 'file-corrupted') {
        this.logger.error({ documentId: document.id }, 'stored document file failed authentication');
      }
      throw error;
    }
  }

  /** Deletes the document's file (the document stays). `not-found` when it has none. */
  async removeFile(actor: Actor, id: string, info: RequestInfo): Promise<void> {
    const { ownerId } = documentAccess.scope(actor, 'change');
    await this.transactions.run(async (tx) => {
      await this.repository.lockCitizen(tx, actor.id);
      const document = await this.repository.find(id, ownerId, tx);
      if (!document) throw documentAccess.notFound();
      if (!(await this.repository.deleteFile(tx, document.id))) throw new DomainError('not-found', NO_FILE);
      await this.recordChange(tx, 'document_file_deleted', actor, document, info);
    });
  }

  /** LGPD erasure: every document of the citizen goes, and with it (by cascade) files, links and their access log. */
  async onErased(tx: Tx, userId: string): Promise<void> {
    await this.repository.lockCitizen(tx, userId);
    await this.repository.deleteAllOf(tx, userId);
  }

  /** The documents' metadata for the data export (numbers included: it is the citizen's own data; no file content). */
  async exportSection(tx: Tx, userId: string): Promise<[string, unknown]> {
    const documents = await this.repository.list({ ownerId: userId }, tx);
    const details = await this.withDetails(documents, tx);
    return [
      'documents',
      details.map(({ document, status, file }) => ({
        id: document.id,
        type: document.type,
        typeLabel: findDocumentType(document.type)?.label ?? document.type,
        number: document.number,
        label: document.label,
        issuer: document.issuer,
        issuerState: document.issuerState,
        issuedAt: document.issuedAt,
        expiresAt: document.expiresAt,
        status,
        file: file && { ...file, uploadedAt: file.uploadedAt.toISOString() },
        createdAt: document.createdAt.toISOString(),
        updatedAt: document.updatedAt.toISOString(),
      })),
    ];
  }

  /** The document `id` if `actor` may do `action` on it (outside any transaction); `not-found` otherwise. */
  private async findAllowed(actor: Actor, action: DocumentAction, id: string): Promise<Document> {
    const { ownerId } = documentAccess.scope(actor, action);
    const document = await this.repository.find(id, ownerId);
    if (!document) throw documentAccess.notFound();
    return document;
  }

  /** The SQL form of a status on today's calendar in Rio; undefined for an unknown status. */
  private expiryFilter(status: string): ExpiryFilter | undefined {
    const today = this.today();
    const windowEnd = addDays(today, EXPIRING_WINDOW_DAYS);
    switch (status as DocumentStatus) {
      case 'expired':
        return { expiresBefore: today };
      case 'expiring':
        return { expiresFrom: today, expiresTo: windowEnd };
      case 'valid':
        return { noExpiryOrAfter: windowEnd };
      default:
        return undefined;
    }
  }

  /**
   * Inserts a validated document in the transaction, within the count quota (the citizen's row locked first), with its
   * 'document-saved' event: a save that rolls back (a refused file, a duplicate) leaves no notice.
   */
  private async insertDocument(
    tx: Tx,
    actor: Actor,
    fields: DocumentFields,
    info: RequestInfo,
    origin: EventOrigin | null,
  ): Promise<Document> {
    await this.repository.lockCitizen(tx, actor.id);
    if ((await this.repository.countOf(tx, actor.id)) >= this.options.quotaCount) {
      throw new DomainError(
        'quota-exceeded',
        `Você atingiu o limite de ${this.options.quotaCount} documentos na carteira. Exclua um documento para guardar outro.`,
      );
    }
    const created = await this.repository.insert(tx, newId(), actor.id, fields);
    await this.recordChange(tx, 'document_created', actor, created, info);
    await this.outbox.add(tx, `document-saved:${created.id}`, {
      type: 'document-saved',
      userId: actor.id,
      documentId: created.id,
      documentType: findDocumentType(created.type)?.shortLabel ?? created.type,
      ...(origin ? { origin } : {}),
    });
    return created;
  }

  /**
   * Encrypts and stores (or replaces) `document`'s file in the transaction, within the storage quota. The caller holds
   * the citizen's lock (`lockCitizen`), so the quota sum and the write cannot interleave with another upload.
   */
  private async writeFile(tx: Tx, actor: Actor, document: Document, upload: UploadedFile, info: RequestInfo): Promise<void> {
    const kind = checkFile(upload, this.options.maxFileBytes);
    const fileName = cleanFileName(upload.fileName, kind, findDocumentType(document.type)?.shortLabel ?? 'documento');
    const used = await this.repository.fileBytesUsed(tx, actor.id, document.id);
    if (used + upload.bytes.length > this.options.quotaBytes) {
      const limit = formatFileSize(this.options.quotaBytes);
      throw new DomainError(
        'quota-exceeded',
        `Os arquivos da sua carteira passariam do limite de ${limit} (em uso: ${formatFileSize(used)}). ` +
          'Exclua ou substitua arquivos para liberar espaço.',
      );
    }
    const encrypted = encryptFile(this.options.fileKey, document.id, upload.bytes);
    await this.repository.upsertFile(tx, {
      documentId: document.id,
      userId: actor.id,
      fileName,
      contentType: kind.contentType,
      sizeBytes: upload.bytes.length,
      ...encrypted,
    });
    await this.recordChange(tx, 'document_file_stored', actor, document, info, {
      contentType: kind.contentType,
      sizeBytes: upload.bytes.length,
    });
  }

  private async withDetails(documents: Document[], tx?: Tx): Promise<DocumentDetails[]> {
    const files = await this.repository.filesOf(
      documents.map((document) => document.id),
      tx,
    );
    const today = this.today();
    return documents.map((document) => ({
      document,
      status: documentStatus(document.expiresAt, today),
      file: files.get(document.id) ?? null,
    }));
  }

  /** A document the citizen keeps already (same type and number) -> the conflict the citizen can act on. */
  private duplicateError(error: unknown): DomainError | undefined {
    if (!(error instanceof DuplicateDocument)) return undefined;
    return new DomainError('conflict', 'Você já guardou um documento deste tipo com este número.', {
      errors: [{ field: 'number', message: 'Documento já guardado na carteira.' }],
    });
  }
}
