import { ConnectionException } from '@mikro-orm/core';
import { ValidateError } from '@tsoa/runtime';
import { DomainError, ERROR_CATALOGUE, type ErrorCode, type FieldError } from '../src/shared/errors';
import { HTTP_ERROR_CATALOGUE, HttpError, type HttpErrorCode } from './errors';

/** Every code a problem can carry: the domain's and the HTTP layer's own. */
export type ProblemCode = ErrorCode | HttpErrorCode;

/**
 * HTTP status for each error code, the domain's (src/shared/errors.ts) and the HTTP layer's (http/errors.ts).
 * `satisfies` makes a new catalogue code a compile error until mapped here.
 */
export const STATUS_BY_CODE = {
  'validation-error': 422,
  'malformed-request': 400,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'not-found': 404,
  'route-not-found': 404,
  'method-not-allowed': 405,
  unauthorized: 401,
  forbidden: 403,
  // Sign-in refusals (wrong password or second factor, a second factor missing, a spent or revoked refresh token). The
  // token endpoint answers them in the OAuth 2.0 shape (api/http/oauth-errors.ts); any other route, as problems.
  'invalid-credentials': 401,
  'second-factor-required': 401,
  'session-ended': 401,
  // A sensitive change (e-mail, password, second factor) made with an access token alone: proof of the password (or
  // second factor) is missing or wrong in the body.
  'reauthentication-required': 403,
  conflict: 409,
  'rate-limited': 429,
  'service-unavailable': 503,
  'request-timeout': 503,
  // The bot's channel (its Bot Connector) refused or could not be reached for the replies: an upstream failure.
  'channel-unreachable': 502,
  'internal-error': 500,
  'insufficient-funds': 422,
  'balance-limit': 422,
  'card-not-active': 409,
  'card-not-blocked': 409,
  'card-already-replaced': 409,
  'card-limit': 409,
  'velocity-limit': 429,
  'idempotency-key-required': 400,
  'idempotency-key-reused': 422,
  'idempotency-key-in-flight': 409,
  // A full wallet is a state the citizen resolves by deleting something, hence 409 like other state conflicts.
  'quota-exceeded': 409,
  gone: 410,
  'file-too-large': 413,
  'unsupported-file-type': 415,
  // Stored bytes failed their integrity check: the server's fault, never answered with altered bytes.
  'file-corrupted': 500,
  // A callback without this browser's one-time state, or with a code the provider refused, is a bad request.
  'social-login-state': 400,
  'social-login-rejected': 400,
  // The provider's answer could not be verified (ID token signature, issuer, audience, nonce; profile fetch).
  'social-login-unverified': 401,
} as const satisfies Record<ProblemCode, number>;

const TITLES: Record<number, string> = {
  400: 'Requisição malformada',
  401: 'Não autenticado',
  403: 'Acesso negado',
  404: 'Não encontrado',
  405: 'Método não permitido',
  409: 'Conflito',
  410: 'Não está mais disponível',
  413: 'Conteúdo grande demais',
  415: 'Tipo de conteúdo não suportado',
  422: 'Dados inválidos',
  429: 'Muitas requisições',
  500: 'Erro interno',
  503: 'Serviço indisponível',
};

/** RFC 9457 problem details, as sent to clients. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

export interface ProblemResponse {
  problem: Problem;
  headers: Record<string, string>;
}

/** The media type of every problem answer; controllers declare it with `@Produces(PROBLEM_MEDIA_TYPE)`. */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

function catalogueMessage(code: ProblemCode): string {
  return code in ERROR_CATALOGUE ? ERROR_CATALOGUE[code as ErrorCode] : HTTP_ERROR_CATALOGUE[code as HttpErrorCode];
}

/** Builds the problem for an error code (the domain's or the HTTP layer's). */
export function problemFor(code: ProblemCode, detail?: string, errors?: FieldError[]): Problem {
  const status = STATUS_BY_CODE[code];
  const problem: Problem = {
    type: `/problems/${code}`,
    title: TITLES[status] ?? 'Erro',
    status,
    detail: detail ?? catalogueMessage(code),
  };
  if (errors && errors.length > 0) problem.errors = errors;
  return problem;
}

/** tsoa reports `body.cpf` style keys with English messages; we keep the path and say it in pt-BR. */
function translateTsoaMessage(message: string): string {
  if (/is an excess property/i.test(message) || /excess propert/i.test(message)) return 'propriedade não permitida';
  // A nullable field (`number | null`) given another type: tsoa reports each alternative's failure, in English.
  if (/could not match the union/i.test(message)) return 'tipo de valor não aceito neste campo';
  if (/is required/i.test(message)) return 'campo obrigatório';
  if (/invalid (integer|float|number)/i.test(message)) return 'deve ser um número';
  if (/must be an? integer/i.test(message)) return 'deve ser um número inteiro';
  if (/invalid string/i.test(message)) return 'deve ser um texto';
  if (/invalid boolean/i.test(message)) return 'deve ser verdadeiro ou falso';
  if (/invalid array/i.test(message)) return 'deve ser uma lista';
  if (/should be one of the following|should be one of/i.test(message)) {
    const allowed = /\[(.*)\]/.exec(message)?.[1];
    return allowed ? `valor não permitido; use um de: ${allowed.replace(/'/g, '')}` : 'valor não permitido';
  }
  if (/min(imum)? ?length|minLength/i.test(message)) return 'texto curto demais';
  if (/max(imum)? ?length|maxLength/i.test(message)) return 'texto longo demais';
  if (/min(imum)? value|minimum/i.test(message)) return 'valor abaixo do mínimo permitido';
  if (/max(imum)? value|maximum/i.test(message)) return 'valor acima do máximo permitido';
  if (/pattern|match/i.test(message)) return 'formato inválido';
  if (/date/i.test(message)) return 'data inválida; use o formato AAAA-MM-DD';
  if (/invalid/i.test(message)) return 'valor inválido';
  return 'valor inválido';
}

/** tsoa keys look like "body.cpf", "limit" or "body.items.$0.x"; clients see the property path ("cpf", "items[0].x"). */
function fieldName(key: string): string {
  return key.replace(/^(requestBody|body)\./, '').replace(/\.\$(\d+)/g, '[$1]');
}

/** Field errors from tsoa's ValidateError, in pt-BR, one per field. */
export function fieldErrorsFromTsoa(error: ValidateError): FieldError[] {
  const result: FieldError[] = [];
  for (const [key, value] of Object.entries(error.fields ?? {})) {
    result.push({ field: fieldName(key), message: translateTsoaMessage(String(value?.message ?? '')) });
  }
  return result;
}

// Socket-level failures reaching the database, and SQLSTATEs meaning the server is gone or not accepting yet:
// class 08 (connection exception), 57P01-57P03 (admin/crash shutdown, cannot connect now: starting or recovering),
// 53300 (too many connections).
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
// node-postgres reports a connection cut or timed out with these messages and no code.
const PG_CONNECTION_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended)/;

/**
 * True when the error (or one it wraps) says the database cannot be reached right now: a temporary condition of the
 * service, answered 503 (retry later) rather than 500 (a bug).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof ConnectionException) return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
    if (PG_CONNECTION_MESSAGE.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}

interface RestifyLikeError {
  statusCode?: number;
  name?: string;
  body?: { code?: string };
}

/**
 * Maps anything thrown while handling a request to a problem. Unknown errors become a generic 500 with no detail of
 * their own (the caller logs them with the request id).
 */
export function toProblem(error: unknown): ProblemResponse & { unexpected: boolean } {
  const headers: Record<string, string> = {};
  if (error instanceof DomainError) {
    if (error.retryAfterSeconds !== undefined) headers['Retry-After'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
    if (error.code === 'unauthorized') headers['WWW-Authenticate'] = 'Bearer realm="carteira-digital-carioca"';
    if (error.replayed) headers['Idempotent-Replayed'] = 'true';
    return { problem: problemFor(error.code, error.message, error.errors), headers, unexpected: false };
  }
  if (error instanceof HttpError) {
    return { problem: problemFor(error.code, error.message, error.errors), headers, unexpected: false };
  }
  if (error instanceof ValidateError) {
    return { problem: problemFor('validation-error', undefined, fieldErrorsFromTsoa(error)), headers, unexpected: false };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      problem: problemFor('service-unavailable', 'O banco de dados não está respondendo. Tente de novo em instantes.'),
      headers: { 'Retry-After': '5' },
      unexpected: false,
    };
  }
  const restifyError = error as RestifyLikeError | undefined;
  switch (restifyError?.name) {
    case 'ResourceNotFoundError':
      return { problem: problemFor('route-not-found'), headers, unexpected: false };
    case 'MethodNotAllowedError':
      return { problem: problemFor('method-not-allowed'), headers, unexpected: false };
    case 'PayloadTooLargeError':
    case 'RequestEntityTooLargeError':
      return { problem: problemFor('payload-too-large'), headers, unexpected: false };
    case 'UnsupportedMediaTypeError':
      return { problem: problemFor('unsupported-media-type'), headers, unexpected: false };
    case 'InvalidContentError':
    case 'BadRequestError':
      return { problem: problemFor('malformed-request', 'A requisição está malformada.'), headers, unexpected: false };
    default:
      return { problem: problemFor('internal-error'), headers, unexpected: true };
  }
}
