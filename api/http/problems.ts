/**
 * The REST edge's words for the problems every route can answer, as the OpenAPI spec describes them. How an error
 * becomes a problem (status, type, body) is the HTTP layer's, shared by both edges: http/problems.ts.
 */
export { PROBLEM_MEDIA_TYPE, type Problem } from '../../http/problems';

// How the OpenAPI spec describes the problems that do not depend on the route (texts for tsoa's @Response decorators).
// Every route: the global per-address limit, a bug, the database out of reach or the request timeout.
export const TOO_MANY_REQUESTS = 'Muitas requisições deste endereço (veja Retry-After)';
export const INTERNAL_ERROR = 'Erro interno';
export const SERVICE_UNAVAILABLE = 'Serviço indisponível: banco de dados fora do ar ou tempo de resposta esgotado';
// Every POST, PUT, PATCH and DELETE: the body parser runs before the route, whether or not the route takes a body.
/** Any route: a NUL character in the query string or path (the body's own problems are MALFORMED_BODY). */
export const MALFORMED_REQUEST = 'Requisição malformada (por exemplo, um caractere NUL na URL)';
export const MALFORMED_BODY = 'Corpo da requisição malformado (JSON inválido)';
export const BODY_TOO_LARGE = 'Corpo da requisição maior que o limite (1 MiB)';
export const UNSUPPORTED_BODY = 'Tipo de conteúdo não suportado: envie application/json';
