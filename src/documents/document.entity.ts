import { defineEntity, p } from '@mikro-orm/core';
import { newId } from '../shared/ids';
import type { DocumentTypeCode } from './document-types';

/**
 * A document the citizen keeps in the wallet. The number is stored normalised (see validateDocumentNumber); calendar
 * dates are `YYYY-MM-DD` strings in a `date` column, with no time zone. The file, if any, lives in `document_files`.
 */
export const DocumentSchema = defineEntity({
  name: 'Document',
  tableName: 'documents',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    userId: p.uuid(),
    type: p.string().$type<DocumentTypeCode>().length(32),
    number: p.string().length(64),
    label: p.string().length(80).nullable(),
    issuer: p.string().length(120).nullable(),
    issuerState: p.string().columnType('char(2)').nullable(),
    issuedAt: p.string().columnType('date').nullable(),
    expiresAt: p.string().columnType('date').nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class Document extends DocumentSchema.class {}
DocumentSchema.setClass(Document);

/**
 * A verification link to one document. Only the SHA-256 of the token is stored: the link itself is shown once, when it
 * is created. Accesses are rows of `document_share_accesses`.
 */
export const DocumentShareSchema = defineEntity({
  name: 'DocumentShare',
  tableName: 'document_shares',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    documentId: p.uuid(),
    userId: p.uuid(),
    tokenHash: p.string().columnType('char(64)').hidden(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
  },
});

export class DocumentShare extends DocumentShareSchema.class {}
DocumentShareSchema.setClass(DocumentShare);
