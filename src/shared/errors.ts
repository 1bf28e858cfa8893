/**
 * The one catalogue of domain errors: a stable code and a pt-BR message, no HTTP.
 * api/ maps each code to a status and problem type (`/problems/<code>`); bot/ maps codes to chat text.
 * Add a code here first, then its status in api/http/problems.ts (the compiler insists).
 */
export const ERROR_CATALOGUE = {
  'validation-error': 'Os dados enviados são inválidos.',
  'malformed-request': 'O corpo da requisição não é um JSON válido.',
  'payload-too-large': 'O corpo da requisição é grande demais.',
  'unsupported-media-type': 'Tipo de conteúdo não suportado.',
  'not-found': 'Recurso não encontrado.',
  'route-not-found': 'Rota não encontrada.',
  'method-not-allowed': 'Método não permitido para esta rota.',
  unauthorized: 'É preciso autenticar-se para acessar este recurso.',
  forbidden: 'Você não tem permissão para esta operação.',
  conflict: 'A operação conflita com o estado atual do recurso.',
  'rate-limited': 'Muitas tentativas. Aguarde um pouco e tente novamente.',
  'service-unavailable': 'Serviço temporariamente indisponível. Tente novamente em instantes.',
  'request-timeout': 'A requisição demorou demais para ser processada.',
  'internal-error': 'Ocorreu um erro inesperado. Se persistir, informe o código da requisição ao suporte.',
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** One invalid field: `field` is a JSON path such as `body.cpf`, `message` is pt-BR. */
export interface FieldError {
  field: string;
  message: string;
}

/** An expected failure of a domain operation. Carries no HTTP status: the edges decide how to present it. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly errors: FieldError[];
  /** Seconds the caller should wait (rate limits); the HTTP edge turns it into Retry-After. */
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, detail?: string, options: { errors?: FieldError[]; retryAfterSeconds?: number } = {}) {
    super(detail ?? ERROR_CATALOGUE[code]);
    this.name = 'DomainError';
    this.code = code;
    this.errors = options.errors ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Validation failure with field errors (422 on the API, a re-prompt in the bot). */
export function validationError(errors: FieldError[], detail?: string): DomainError {
  return new DomainError('validation-error', detail, { errors });
}

export function notFound(detail?: string): DomainError {
  return new DomainError('not-found', detail);
}
