import type { FieldError } from '../src/shared/errors';

/**
 * The codes only the HTTP layer answers with: what is wrong with a request as HTTP (its body, its route, its method,
 * the time it took) or with delivering a channel's replies over HTTP. No service throws them, so they are not in the
 * domain catalogue (src/shared/errors.ts); http/problems.ts gives each its status like the domain codes.
 */
export const HTTP_ERROR_CATALOGUE = {
  'malformed-request': 'O corpo da requisição não é um JSON válido.',
  'payload-too-large': 'O corpo da requisição é grande demais.',
  'unsupported-media-type': 'Tipo de conteúdo não suportado.',
  'route-not-found': 'Rota não encontrada.',
  'method-not-allowed': 'Método não permitido para esta rota.',
  'request-timeout': 'A requisição demorou demais para ser processada.',
  'channel-unreachable': 'Não foi possível entregar a resposta do bot ao canal (serviceUrl). Tente de novo em instantes.',
} as const;

export type HttpErrorCode = keyof typeof HTTP_ERROR_CATALOGUE;

/** A request refused as HTTP before (or instead of) reaching a service; rendered as a problem like a DomainError. */
export class HttpError extends Error {
  readonly code: HttpErrorCode;
  readonly errors: FieldError[];

  constructor(code: HttpErrorCode, detail?: string, options: { errors?: FieldError[] } = {}) {
    super(detail ?? HTTP_ERROR_CATALOGUE[code]);
    this.name = 'HttpError';
    this.code = code;
    this.errors = options.errors ?? [];
  }
}
