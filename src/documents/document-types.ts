import { isValidCpf, maskCpf } from '../shared/cpf';
import {
  isValidCnh,
  isValidCns,
  isValidMatricula,
  isValidSpRg,
  isValidVoterId,
  MATRICULA_BIRTH_BOOK_TYPES,
  MATRICULA_CIVIL_REGISTRY_SERVICE,
} from './number-rules';

export const DOCUMENT_TYPE_CODES = [
  'cpf',
  'rg',
  'cnh',
  'titulo_eleitor',
  'cns',
  'certidao_nascimento',
  'passaporte',
  'comprovante_vacinacao',
  'outro',
] as const;

export type DocumentTypeCode = (typeof DOCUMENT_TYPE_CODES)[number];

/** Whether a date field must, may or must not be filled for a type. */
export type DateRequirement = 'required' | 'optional' | 'none';

/** A supported document type as GET /v1/document-types describes it; every text is pt-BR. */
export interface DocumentType {
  code: DocumentTypeCode;
  label: string;
  shortLabel: string;
  /** pt-BR description of the number rule, shown to the citizen and repeated in validation messages. */
  numberRule: string;
  /** A number that passes the rule, for hints and placeholders. */
  numberExample: string;
  issuedAt: DateRequirement;
  expiresAt: DateRequirement;
  /** The citizen must name the document (type "outro"). */
  requiresLabel: boolean;
  /** The issuing state (UF) matters for the number rule (RG). */
  usesIssuerState: boolean;
}

// prettier-ignore
/** The 27 federative units (26 states and the Distrito Federal). */
export const UF_CODES: readonly string[] = [
  'AC', 'AL', 'AM', 'AP', 'BA', 'CE', 'DF', 'ES', 'GO', 'MA', 'MG', 'MS', 'MT', 'PA',
  'PB', 'PE', 'PI', 'PR', 'RJ', 'RN', 'RO', 'RR', 'RS', 'SC', 'SE', 'SP', 'TO',
];

/**
 * The supported types, in display order. Dates follow the physical documents: CNH and passport print a validity;
 * RG (the new CIN has one, older cards do not), vaccination records (some certificates expire) and "outro" may have one.
 */
export const DOCUMENT_TYPES: readonly DocumentType[] = [
  {
    code: 'cpf',
    label: 'Cadastro de Pessoas Físicas (CPF)',
    shortLabel: 'CPF',
    numberRule: '11 dígitos com dois dígitos verificadores',
    numberExample: '529.982.247-25',
    issuedAt: 'none',
    expiresAt: 'none',
    requiresLabel: false,
    usesIssuerState: false,
  },
  {
    code: 'rg',
    label: 'Carteira de Identidade (RG)',
    shortLabel: 'RG',
    numberRule:
      'conforme o estado emissor: em SP, 8 dígitos e um dígito verificador (0 a 9 ou X); nos demais estados, ' +
      'de 5 a 14 letras ou dígitos; na Carteira de Identidade Nacional, o número é o CPF',
    numberExample: '24.681.357-X',
    issuedAt: 'optional',
    expiresAt: 'optional',
    requiresLabel: false,
    usesIssuerState: true,
  },
  {
    code: 'cnh',
    label: 'Carteira Nacional de Habilitação (CNH)',
    shortLabel: 'CNH',
    numberRule: '11 dígitos com dois dígitos verificadores',
    numberExample: '60293712842',
    issuedAt: 'optional',
    expiresAt: 'required',
    requiresLabel: false,
    usesIssuerState: false,
  },
  {
    code: 'titulo_eleitor',
    label: 'Título de Eleitor',
    shortLabel: 'Título de eleitor',
    numberRule: '12 dígitos: 8 do número sequencial, 2 do código da UF (01 a 28) e dois dígitos verificadores',
    numberExample: '3214 5876 0310',
    issuedAt: 'optional',
    expiresAt: 'none',
    requiresLabel: false,
    usesIssuerState: false,
  },
  {
    code: 'cns',
    label: 'Cartão Nacional de Saúde (Cartão SUS)',
    shortLabel: 'Cartão SUS',
    numberRule:
      '15 dígitos, começando por 1 ou 2 (definitivo) ou por 7, 8 ou 9 (provisório), com dígito verificador do Ministério da Saúde',
    numberExample: '298 7654 3210 0018',
    issuedAt: 'none',
    expiresAt: 'none',
    requiresLabel: false,
    usesIssuerState: false,
  },
  {
    code: 'certidao_nascimento',
    label: 'Certidão de Nascimento',
    shortLabel: 'Certidão de nascimento',
    numberRule: 'matrícula de 32 dígitos (certidões emitidas desde 2010), com os dois últimos dígitos verificadores',
    numberExample: '090472 01 55 2023 1 00456 078 0123456 61',
    issuedAt: 'optional',
    expiresAt: 'none',
    requiresLabel: false,
    usesIssuerState: false,
  },
  {
    code: 'passaporte',
    label: 'Passaporte',
    shortLabel: 'Passaporte',
    numberRule: '2 letras seguidas de 6 dígitos',
    numberExample: 'GK123456',
    issuedAt: 'optional',
    expiresAt: 'required',
    requiresLabel: false,
    usesIssuerState: false,
  },
  {
    code: 'comprovante_vacinacao',
    label: 'Comprovante de Vacinação',
    shortLabel: 'Vacinação',
    numberRule: 'de 1 a 40 caracteres entre letras, dígitos, hífen (-), barra (/) e ponto (.)',
    numberExample: 'CNV-2023/000123',
    issuedAt: 'optional',
    expiresAt: 'optional',
    requiresLabel: false,
    usesIssuerState: false,
  },
  {
    code: 'outro',
    label: 'Outro documento',
    shortLabel: 'Outro',
    numberRule: 'de 1 a 40 caracteres imprimíveis (letras, dígitos, espaços e sinais)',
    numberExample: 'Matrícula 2024.001',
    issuedAt: 'optional',
    expiresAt: 'optional',
    requiresLabel: true,
    usesIssuerState: false,
  },
];

const TYPES_BY_CODE: ReadonlyMap<string, DocumentType> = new Map(DOCUMENT_TYPES.map((type) => [type.code, type]));

/** The type with this code, or undefined for an unknown code (the caller answers with a validation error). */
export function findDocumentType(code: string): DocumentType | undefined {
  return TYPES_BY_CODE.get(code);
}

export type DocumentNumberValidation = { ok: true; number: string } | { ok: false; message: string };

/** Removes what people type between the characters of a number (spaces, dots, dashes, slashes...) and upper-cases. */
function stripSeparators(raw: string): string {
  return raw.replace(/[\s\p{P}]/gu, '').toUpperCase();
}

const MAX_FREE_TEXT_LENGTH = 40;

/** Counts code points, not UTF-16 units, so that an emoji or an accented letter counts once. */
function characterCount(value: string): number {
  return Array.from(value).length;
}

/** A rule that needs nothing but the normalised number: the number passes when `test` returns true. */
interface NumberRule {
  test: (number: string) => boolean;
  message: string;
}

const SIMPLE_RULES: Record<
  Exclude<DocumentTypeCode, 'rg' | 'certidao_nascimento' | 'comprovante_vacinacao' | 'outro'>,
  NumberRule
> = {
  cpf: {
    test: isValidCpf,
    message: 'Número de CPF inválido: são 11 dígitos com dois dígitos verificadores; confira os dígitos.',
  },
  cnh: {
    test: isValidCnh,
    message: 'Número de CNH inválido: são 11 dígitos com dois dígitos verificadores; confira os dígitos.',
  },
  titulo_eleitor: {
    test: isValidVoterId,
    message:
      'Número de título de eleitor inválido: são 12 dígitos (8 do número sequencial, 2 do código da UF de 01 a 28 e ' +
      'dois dígitos verificadores); confira os dígitos.',
  },
  cns: {
    test: isValidCns,
    message:
      'Número do Cartão SUS inválido: são 15 dígitos, começando por 1, 2, 7, 8 ou 9, com dígito verificador; ' +
      'confira os dígitos.',
  },
  passaporte: {
    test: (number) => /^[A-Z]{2}\d{6}$/.test(number),
    message: 'Número de passaporte inválido: são 2 letras seguidas de 6 dígitos, por exemplo GK123456.',
  },
};

const RG_PERMISSIVE_MESSAGE = 'Número de RG inválido: use de 5 a 14 letras ou dígitos, com pelo menos um dígito.';
const RG_SP_MESSAGE = 'Número de RG de SP inválido: são 8 dígitos e um dígito verificador (0 a 9 ou X); confira os dígitos.';
const ISSUER_STATE_MESSAGE = 'UF emissora inválida: informe a sigla de um dos 27 estados, como RJ ou SP.';

/** State rules known for RG numbers. RJ has none: no authoritative published algorithm was found, so it stays permissive. */
const RG_STATE_RULES: Readonly<Record<string, NumberRule>> = {
  SP: { test: isValidSpRg, message: RG_SP_MESSAGE },
};

function validateRg(number: string, issuerState: string | null | undefined): DocumentNumberValidation {
  const state = issuerState?.trim().toUpperCase() ?? '';
  if (state !== '' && !UF_CODES.includes(state)) return { ok: false, message: ISSUER_STATE_MESSAGE };
  // The Carteira de Identidade Nacional (Decreto 10.977/2022) uses the CPF as its number, whatever the issuing state.
  if (isValidCpf(number)) return { ok: true, number };
  const stateRule = RG_STATE_RULES[state];
  if (stateRule) return stateRule.test(number) ? { ok: true, number } : { ok: false, message: stateRule.message };
  return /^[A-Z0-9]{5,14}$/.test(number) && /\d/.test(number)
    ? { ok: true, number }
    : { ok: false, message: RG_PERMISSIVE_MESSAGE };
}

function validateBirthMatricula(number: string): DocumentNumberValidation {
  if (!isValidMatricula(number)) {
    return {
      ok: false,
      message:
        'Matrícula da certidão de nascimento inválida: são 32 dígitos, sendo os dois últimos verificadores; confira os dígitos.',
    };
  }
  if (number.slice(8, 10) !== MATRICULA_CIVIL_REGISTRY_SERVICE || !MATRICULA_BIRTH_BOOK_TYPES.has(number[14])) {
    return {
      ok: false,
      message:
        'Esta matrícula não é de uma certidão de nascimento: o 9º e o 10º dígitos devem ser 55 e o 15º (tipo do livro) ' +
        'deve ser 1 (nascimento) ou 7 (livro E).',
    };
  }
  return { ok: true, number };
}

function validateVaccinationNumber(raw: string): DocumentNumberValidation {
  // Hyphens, slashes and dots are part of these free-form numbers, so only spaces are removed.
  const number = raw.replace(/\s/gu, '').toUpperCase();
  return /^[A-Z0-9\-/.]{1,40}$/.test(number) && /[A-Z0-9]/.test(number)
    ? { ok: true, number }
    : {
        ok: false,
        message:
          'Número do comprovante de vacinação inválido: use de 1 a 40 caracteres entre letras, dígitos, hífen (-), ' +
          'barra (/) e ponto (.).',
      };
}

function validateFreeText(raw: string): DocumentNumberValidation {
  // Free text keeps the citizen's own spelling; only surrounding and repeated whitespace goes.
  const number = raw.trim().replace(/\s+/gu, ' ');
  return characterCount(number) <= MAX_FREE_TEXT_LENGTH && !/\p{C}/u.test(number)
    ? { ok: true, number }
    : {
        ok: false,
        message: 'Número do documento inválido: use de 1 a 40 caracteres imprimíveis, sem caracteres de controle.',
      };
}

/**
 * Normalises a typed document number (strips spaces and punctuation, upper-cases letters; free-text types keep their
 * own characters) and validates it against its type's rule. On failure the pt-BR message names the rule.
 * `issuerState` (a UF) only matters for RG; an invalid UF is reported on its own.
 */
export function validateDocumentNumber(
  code: DocumentTypeCode,
  raw: string,
  options: { issuerState?: string | null } = {},
): DocumentNumberValidation {
  const type = findDocumentType(code);
  if (!type) return { ok: false, message: 'Tipo de documento desconhecido.' };
  if (raw.trim() === '') return { ok: false, message: `Informe o número do documento (${type.shortLabel}): ${type.numberRule}.` };

  switch (type.code) {
    case 'rg':
      return validateRg(stripSeparators(raw), options.issuerState);
    case 'certidao_nascimento':
      return validateBirthMatricula(stripSeparators(raw));
    case 'comprovante_vacinacao':
      return validateVaccinationNumber(raw);
    case 'outro':
      return validateFreeText(raw);
    default: {
      const number = stripSeparators(raw);
      const rule = SIMPLE_RULES[type.code];
      return rule.test(number) ? { ok: true, number } : { ok: false, message: rule.message };
    }
  }
}

const MASK_CHARACTER = '•';
const VISIBLE_TAIL = 4;

/**
 * Masks a stored (normalised) number for lists, chat and verification pages: only the last 4 characters stay visible
 * (fewer for short numbers, so that at least half is hidden), e.g. '•••••••2842'. CPF uses the government's public
 * masking, '***.456.789-**'.
 */
export function maskDocumentNumber(code: DocumentTypeCode, number: string): string {
  if (code === 'cpf' && /^\d{11}$/.test(number)) return maskCpf(number);
  const characters = Array.from(number);
  const visible = Math.min(VISIBLE_TAIL, Math.floor(characters.length / 2));
  return MASK_CHARACTER.repeat(characters.length - visible) + characters.slice(characters.length - visible).join('');
}
