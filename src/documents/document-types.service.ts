import { DOCUMENT_TYPES, type DocumentType } from './document-types';

/** The catalogue of document types a citizen can keep in the wallet. */
export class DocumentTypesService {
  /** Every supported type with its pt-BR label, number rule and which dates it needs, in display order. */
  list(): readonly DocumentType[] {
    return DOCUMENT_TYPES;
  }
}
