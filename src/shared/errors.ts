/**
 * The one catalogue of domain errors: a stable code and a pt-BR message, no HTTP.
 * http/problems.ts maps each code to a status and problem type (`/problems/<code>`); bot/ maps codes to chat text.
 * Add a code here first, then its status in http/problems.ts (the compiler insists). Codes about a request as HTTP
 * (its body, route, method or duration) are not the domain's: they are in http/errors.ts.
 */
export const ERROR_CATALOGUE = {
  'validation-error': 'Os dados enviados são inválidos.',
  'not-found': 'Recurso não encontrado.',
  unauthorized: 'É preciso autenticar-se para acessar este recurso.',
  forbidden: 'Você não tem permissão para esta operação.',
  'invalid-credentials': 'CPF/e-mail ou senha incorretos.',
  'second-factor-required':
    'Verificação em duas etapas ativa: informe o código do aplicativo autenticador ou um código de recuperação.',
  'session-ended': 'Sessão inválida. Entre novamente.',
  'reauthentication-required':
    'Para esta alteração, confirme que é você: informe a senha atual (currentPassword) ou, com a verificação em duas etapas ativa, um código do aplicativo autenticador (secondFactorCode).',
  conflict: 'A operação conflita com o estado atual do recurso.',
  'rate-limited': 'Muitas tentativas. Aguarde um pouco e tente novamente.',
  'service-unavailable': 'Serviço temporariamente indisponível. Tente novamente em instantes.',
  'internal-error': 'Ocorreu um erro inesperado. Se persistir, informe o código da requisição ao suporte.',
  'insufficient-funds': 'Saldo insuficiente no cartão.',
  'balance-limit': 'A recarga ultrapassaria o saldo máximo permitido no cartão.',
  'card-not-active': 'O cartão não está ativo.',
  'card-not-blocked': 'Só é possível pedir a segunda via de um cartão bloqueado.',
  'card-already-replaced': 'Este cartão já foi substituído por uma segunda via.',
  'card-limit': 'Você já tem o número máximo de cartões ativos.',
  'velocity-limit': 'Muitas recargas neste cartão em pouco tempo. Aguarde e tente novamente.',
  'idempotency-key-required': 'Envie o cabeçalho Idempotency-Key (de 1 a 255 caracteres imprimíveis) nesta operação.',
  'idempotency-key-reused': 'Esta Idempotency-Key já foi usada com outros dados. Use uma nova chave para uma nova operação.',
  'idempotency-key-in-flight': 'Uma requisição com esta Idempotency-Key ainda está em andamento. Aguarde e consulte novamente.',
  'quota-exceeded': 'Você atingiu o limite da sua carteira.',
  gone: 'Este recurso não está mais disponível.',
  'file-too-large': 'O arquivo passa do tamanho máximo permitido.',
  'unsupported-file-type': 'Tipo de arquivo não aceito: envie um PDF, JPEG ou PNG.',
  'file-corrupted': 'O arquivo guardado está danificado e não pode ser entregue. Envie o arquivo novamente.',
  'social-login-state': 'Este pedido de acesso expirou, já foi usado ou não começou neste navegador. Comece de novo.',
  'social-login-rejected': 'O provedor não autorizou o acesso. Comece de novo.',
  'social-login-unverified': 'Não foi possível confirmar sua identidade com o provedor. Comece de novo.',
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
  /** The stored outcome of an earlier request with the same idempotency key, answered again (not a new decision). */
  readonly replayed: boolean;

  constructor(
    code: ErrorCode,
    detail?: string,
    options: { errors?: FieldError[]; retryAfterSeconds?: number; replayed?: boolean } = {},
  ) {
    super(detail ?? ERROR_CATALOGUE[code]);
    this.name = 'DomainError';
    this.code = code;
    this.errors = options.errors ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.replayed = options.replayed ?? false;
  }
}

/** Validation failure with field errors (422 on the API, a re-prompt in the bot). */
export function validationError(errors: FieldError[], detail?: string): DomainError {
  return new DomainError('validation-error', detail, { errors });
}

export function notFound(detail?: string): DomainError {
  return new DomainError('not-found', detail);
}
