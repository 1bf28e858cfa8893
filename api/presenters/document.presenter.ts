import { findDocumentType, maskDocumentNumber } from '../../src/documents/document-types';
import type { DocumentDetails, StoredFileInfo } from '../../src/documents/documents.service';
import { DOCUMENT_STATUS_LABELS } from '../../src/documents/expiry';

/** A document's file as the API describes it (the content comes from `GET /v1/documents/{id}/file`). */
export interface DocumentFileView {
  fileName: string;
  /** Decided from the content: `application/pdf`, `image/jpeg` or `image/png`. */
  contentType: string;
  sizeBytes: number;
  uploadedAt: string;
}

/** A document as its owner sees it. */
export interface DocumentView {
  id: string;
  /** Type code, see `GET /v1/document-types`. */
  type: string;
  /** pt-BR name of the type. */
  typeLabel: string;
  /** The number as stored (normalised: no punctuation). */
  number: string;
  /** The number with all but its last characters hidden, as lists and verification pages show it. */
  maskedNumber: string;
  label: string | null;
  issuer: string | null;
  /** UF of the issuing body. */
  issuerState: string | null;
  /** YYYY-MM-DD */
  issuedAt: string | null;
  /** YYYY-MM-DD */
  expiresAt: string | null;
  /** `expiring`: expires within 30 days (today included); `expired`: expiry date passed (Rio time). */
  status: 'valid' | 'expiring' | 'expired';
  statusLabel: string;
  file: DocumentFileView | null;
  createdAt: string;
  updatedAt: string;
}

export interface DocumentPage {
  items: DocumentView[];
  nextCursor: string | null;
}

export function presentFile(file: StoredFileInfo): DocumentFileView {
  return {
    fileName: file.fileName,
    contentType: file.contentType,
    sizeBytes: file.sizeBytes,
    uploadedAt: file.uploadedAt.toISOString(),
  };
}

export function presentDocument({ document, status, file }: DocumentDetails): DocumentView {
  return {
    id: document.id,
    type: document.type,
    typeLabel: findDocumentType(document.type)?.label ?? document.type,
    number: document.number,
    maskedNumber: maskDocumentNumber(document.type, document.number),
    label: document.label ?? null,
    issuer: document.issuer ?? null,
    issuerState: document.issuerState ?? null,
    issuedAt: document.issuedAt ?? null,
    expiresAt: document.expiresAt ?? null,
    status,
    statusLabel: DOCUMENT_STATUS_LABELS[status],
    file: file ? presentFile(file) : null,
    createdAt: document.createdAt.toISOString(),
    updatedAt: document.updatedAt.toISOString(),
  };
}

/**
 * `Content-Disposition` for a download: `attachment` (never rendered inline in our origin), an ASCII-only `filename`
 * with no quotes, backslashes or control characters for old clients, and the exact name as RFC 5987 `filename*`.
 */
export function contentDisposition(fileName: string): string {
  const ascii = fileName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
