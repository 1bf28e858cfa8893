import type { DocumentType } from '../../src/documents/document-types';

/** A document type as the API shows it. */
export interface DocumentTypeView {
  /** Stable code used in `type` fields, e.g. `cnh`. */
  code: string;
  /** pt-BR name, e.g. "Carteira Nacional de Habilitação (CNH)". */
  label: string;
  shortLabel: string;
  /** pt-BR description of how the number is checked. */
  numberRule: string;
  /** A valid example number. */
  numberExample: string;
  /** Whether `issuedAt` is required, optional or not used for this type. */
  issuedAt: 'required' | 'optional' | 'none';
  /** Whether `expiresAt` is required, optional or not used for this type. */
  expiresAt: 'required' | 'optional' | 'none';
  /** True when `label` must be given (type "outro"). */
  requiresLabel: boolean;
  /** True when `issuerState` (UF) selects the number rule (RG). */
  usesIssuerState: boolean;
}

export function presentDocumentType(type: DocumentType): DocumentTypeView {
  return {
    code: type.code,
    label: type.label,
    shortLabel: type.shortLabel,
    numberRule: type.numberRule,
    numberExample: type.numberExample,
    issuedAt: type.issuedAt,
    expiresAt: type.expiresAt,
    requiresLabel: type.requiresLabel,
    usesIssuerState: type.usesIssuerState,
  };
}
