import { validationError, type FieldError } from '../shared/errors';
import {
  DOCUMENT_TYPE_CODES,
  UF_CODES,
  findDocumentType,
  validateDocumentNumber,
  type DocumentType,
  type DocumentTypeCode,
} from './document-types';
import { isCalendarDate } from './expiry';

/** What a citizen sends to save a document (REST body or the bot's collected answers). */
export interface DocumentInput {
  type: string;
  number: string;
  label?: string | null;
  issuer?: string | null;
  issuerState?: string | null;
  issuedAt?: string | null;
  expiresAt?: string | null;
}

/** A change to a saved document: an absent field is kept, `null` clears an optional one. */
export type DocumentPatch = Partial<DocumentInput>;

/** A document's fields after normalisation and validation, ready to store. */
export interface DocumentFields {
  type: DocumentTypeCode;
  number: string;
  label: string | null;
  issuer: string | null;
  issuerState: string | null;
  issuedAt: string | null;
  expiresAt: string | null;
}

const MAX_LABEL_LENGTH = 80;
const MAX_ISSUER_LENGTH = 120;
const DATE_FORMAT_MESSAGE = 'Data inválida: use o formato AAAA-MM-DD, por exemplo 2030-12-31.';

/** Trims and collapses spaces; empty means "not given". */
function optionalText(value: string | null | undefined): string | null {
  const text = value?.trim().replace(/\s+/gu, ' ') ?? '';
  return text === '' ? null : text;
}

function textProblem(value: string, max: number, what: string): string | null {
  if (/\p{C}/u.test(value)) return `${what} não pode ter caracteres de controle.`;
  if (Array.from(value).length > max) return `${what} pode ter no máximo ${max} caracteres.`;
  return null;
}

/**
 * Why `text` cannot be a document's name (label), in pt-BR; null when it can. Spaces at the ends and runs of spaces
 * do not count, as when the document is saved. The one rule for every edge that asks for a name.
 */
export function checkDocumentLabel(text: string): string | null {
  const label = optionalText(text);
  if (label === null) return 'Informe o nome do documento.';
  return textProblem(label, MAX_LABEL_LENGTH, 'O nome do documento');
}

/** Why `text` is not an issuing state (the UF of one of the 27 states, any case), in pt-BR; null when it is one. */
export function checkIssuerState(text: string): string | null {
  const uf = optionalText(text)?.toUpperCase();
  return uf !== undefined && UF_CODES.includes(uf)
    ? null
    : 'UF emissora inválida: informe a sigla de um dos 27 estados, como RJ ou SP.';
}

function checkDate(
  errors: FieldError[],
  field: 'issuedAt' | 'expiresAt',
  value: string | null,
  type: DocumentType | undefined,
): string | null {
  if (value === null) {
    if (type?.[field] === 'required') {
      const what = field === 'expiresAt' ? 'a data de validade' : 'a data de emissão';
      errors.push({ field, message: `Informe ${what} (${field}): é obrigatória para ${type.shortLabel}.` });
    }
    return null;
  }
  if (!isCalendarDate(value)) {
    errors.push({ field, message: DATE_FORMAT_MESSAGE });
    return null;
  }
  if (type?.[field] === 'none') {
    const what = field === 'expiresAt' ? 'data de validade' : 'data de emissão';
    errors.push({ field, message: `${type.shortLabel} não tem ${what}; deixe ${field} em branco.` });
    return null;
  }
  return value;
}

/**
 * Normalises and validates a whole document the same way for creation and for a patched document: the type must be
 * known, the number must follow the type's rule, dates must be real `YYYY-MM-DD` dates that the type uses (required
 * ones present, emission not after `today`, expiry after emission), `label` is required for "outro" and `issuerState`
 * must be a UF. Every problem is reported at once as field errors in pt-BR.
 */
export function validateDocumentInput(input: DocumentInput, today: string): DocumentFields {
  const errors: FieldError[] = [];
  const type = findDocumentType(input.type);
  if (!type) {
    errors.push({
      field: 'type',
      message: `Tipo de documento desconhecido: use um destes códigos: ${DOCUMENT_TYPE_CODES.join(', ')}.`,
    });
  }

  let issuerState = optionalText(input.issuerState)?.toUpperCase() ?? null;
  const issuerStateProblem = issuerState === null ? null : checkIssuerState(issuerState);
  if (issuerStateProblem !== null) {
    errors.push({ field: 'issuerState', message: issuerStateProblem });
    issuerState = null;
  }

  let number = input.number;
  if (type) {
    const result = validateDocumentNumber(type.code, input.number, { issuerState });
    if (result.ok) number = result.number;
    else errors.push({ field: 'number', message: result.message });
  }

  const label = optionalText(input.label);
  if (label === null && type?.requiresLabel) {
    errors.push({ field: 'label', message: 'Informe o nome do documento (label): para o tipo Outro, diga que documento é.' });
  } else if (label !== null) {
    const problem = checkDocumentLabel(label);
    if (problem) errors.push({ field: 'label', message: problem });
  }

  const issuer = optionalText(input.issuer);
  if (issuer !== null) {
    const problem = textProblem(issuer, MAX_ISSUER_LENGTH, 'O órgão emissor');
    if (problem) errors.push({ field: 'issuer', message: problem });
  }

  const issuedAt = checkDate(errors, 'issuedAt', optionalText(input.issuedAt), type);
  if (issuedAt !== null && issuedAt > today) {
    errors.push({ field: 'issuedAt', message: 'A data de emissão não pode estar no futuro.' });
  }
  const expiresAt = checkDate(errors, 'expiresAt', optionalText(input.expiresAt), type);
  if (issuedAt !== null && expiresAt !== null && expiresAt <= issuedAt) {
    errors.push({ field: 'expiresAt', message: 'A data de validade deve ser posterior à data de emissão.' });
  }

  if (errors.length > 0 || !type) throw validationError(errors);
  return { type: type.code, number, label, issuer, issuerState, issuedAt, expiresAt };
}

/** The document a patch would produce: absent fields keep their saved value, `null` clears them. */
export function applyDocumentPatch(saved: DocumentFields, patch: DocumentPatch): DocumentInput {
  const pick = <K extends keyof DocumentInput>(key: K) => (patch[key] === undefined ? saved[key] : patch[key]);
  return {
    type: pick('type') ?? saved.type,
    number: pick('number') ?? saved.number,
    label: pick('label'),
    issuer: pick('issuer'),
    issuerState: pick('issuerState'),
    issuedAt: pick('issuedAt'),
    expiresAt: pick('expiresAt'),
  };
}
