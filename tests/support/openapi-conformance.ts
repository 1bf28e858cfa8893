import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { OpenAPIV3 } from 'openapi-types';

/**
 * Checks real HTTP exchanges against the generated OpenAPI document (api/generated/openapi.json): the route, the
 * status, the media type and, for JSON, the body shape (JSON Schema validation by Ajv over the spec dereferenced by
 * swagger-parser). `startTestApp`'s `fetch` runs every exchange through {@link checkExchange}, so every integration
 * test that calls the API also checks that the spec describes what it got. How it judges, and what to do when it
 * fails, is explained in tests/integration/openapi.test.ts.
 */

export const SPEC_PATH = join(__dirname, '..', '..', 'api', 'generated', 'openapi.json');

/** Paths under this prefix are the REST API: each answer must be described, or be a problem for an unknown route. */
const API_PREFIX = '/v1/';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
type Method = (typeof METHODS)[number];

/** What the checker needs of one request/response pair. */
export interface Exchange {
  method: string;
  /** Path and query, as requested. */
  url: string;
  /** Media type of the request body (without parameters), or null when there was none. */
  requestMediaType: string | null;
  /** Request header names, lower-case. */
  requestHeaders: ReadonlySet<string>;
  status: number;
  /** The response's Content-Type header, or null. */
  contentType: string | null;
  body: Buffer;
}

interface Route {
  template: string;
  pattern: RegExp;
  parameterCount: number;
  item: OpenAPIV3.PathItemObject;
}

export interface Conformance {
  spec: OpenAPIV3.Document;
  /** Every way `exchange` departs from the spec (empty when the spec describes it). */
  check(exchange: Exchange): string[];
}

let loading: Promise<Conformance> | undefined;

/** The checker for the generated spec, built once per test file. */
export function conformance(): Promise<Conformance> {
  loading ??= SwaggerParser.dereference(SPEC_PATH).then((spec) => createConformance(spec as OpenAPIV3.Document));
  return loading;
}

/** A checker over `spec` (already dereferenced): exported so its own test can feed it a spec of its choosing. */
export function createConformance(spec: OpenAPIV3.Document): Conformance {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  // Formats tsoa writes that JSON Schema does not define: numbers and binary strings carry no checkable format.
  for (const format of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) ajv.addFormat(format, true);
  const validators = new Map<object, ValidateFunction>();
  const validatorFor = (schema: object): ValidateFunction => {
    let validate = validators.get(schema);
    if (!validate) {
      validate = ajv.compile(jsonSchema(schema) as object);
      validators.set(schema, validate);
    }
    return validate;
  };

  const routes: Route[] = Object.entries(spec.paths ?? {})
    .map(([template, item]) => ({
      template,
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
      parameterCount: (template.match(/\{/g) ?? []).length,
      item: item!,
    }))
    // A literal segment wins over a parameter: /v1/faq/search before /v1/faq/{id}.
    .sort((a, b) => a.parameterCount - b.parameterCount);

  return {
    spec,
    check(exchange) {
      const path = new URL(exchange.url, 'http://spec.invalid').pathname;
      const method = exchange.method.toLowerCase() as Method;
      const route = routes.find((candidate) => candidate.pattern.test(path));
      // Outside the API (the bot, Direct Line, the web chat page, /docs, /metrics...): not described by this spec.
      if (!route && !path.startsWith(API_PREFIX)) return [];
      // A CORS preflight is answered before routing, for every path alike.
      if (method === 'options') return [];
      const operation = route && METHODS.includes(method) ? route.item[method] : undefined;
      const where = `${exchange.method.toUpperCase()} ${route?.template ?? path}`;
      if (!operation) {
        // No such route or method: the server's generic 404/405 problem is the only answer it may give.
        if (exchange.status === 404 || exchange.status === 405) return problemShape(exchange, where);
        return [`${where} answered ${exchange.status}, but the spec has no such operation`];
      }
      return checkOperation(operation, route!, exchange, where, validatorFor);
    },
  };
}

/**
 * OpenAPI 3.0's `nullable: true` as JSON Schema: a `null` type beside the declared one, or `anyOf` with null where
 * there is no type (tsoa writes `{allOf: [...], nullable: true}` for a nullable reference), which Ajv refuses as is.
 */
function jsonSchema(schema: unknown, seen = new Map<object, unknown>()): unknown {
  if (Array.isArray(schema)) return schema.map((item) => jsonSchema(item, seen));
  if (typeof schema !== 'object' || schema === null) return schema;
  const done = seen.get(schema);
  if (done) return done;
  const copy: Record<string, unknown> = {};
  seen.set(schema, copy);
  for (const [key, value] of Object.entries(schema)) copy[key] = jsonSchema(value, seen);
  if (copy.nullable !== true) return copy;
  delete copy.nullable;
  if (typeof copy.type === 'string') {
    copy.type = [copy.type, 'null'];
    if (Array.isArray(copy.enum)) copy.enum = [...(copy.enum as unknown[]), null];
    return copy;
  }
  const inner = { ...copy };
  for (const key of Object.keys(copy)) delete copy[key];
  copy.anyOf = [inner, { type: 'null' }];
  return copy;
}

function mediaTypeOf(contentType: string | null): string | null {
  const type = contentType?.split(';')[0].trim().toLowerCase();
  return type ? type : null;
}

function isJson(mediaType: string): boolean {
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

function problemShape(exchange: Exchange, where: string): string[] {
  if (mediaTypeOf(exchange.contentType) !== 'application/problem+json') {
    return [`${where} answered ${exchange.status} as ${exchange.contentType ?? 'no content type'}, not a problem`];
  }
  return [];
}

function responseFor(operation: OpenAPIV3.OperationObject, status: number): OpenAPIV3.ResponseObject | undefined {
  const responses = operation.responses as Record<string, OpenAPIV3.ResponseObject>;
  return responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
}

function checkOperation(
  operation: OpenAPIV3.OperationObject,
  route: Route,
  exchange: Exchange,
  where: string,
  validatorFor: (schema: object) => ValidateFunction,
): string[] {
  const failures: string[] = [];
  const parameters = [...(route.item.parameters ?? []), ...(operation.parameters ?? [])] as OpenAPIV3.ParameterObject[];

  // What the server accepted, the spec must accept: the body's media type, and no required parameter left out.
  if (exchange.status >= 200 && exchange.status < 300) {
    const requestBody = operation.requestBody as OpenAPIV3.RequestBodyObject | undefined;
    if (requestBody && exchange.requestMediaType && !requestBody.content[exchange.requestMediaType]) {
      failures.push(
        `${where} accepted a ${exchange.requestMediaType} body, but the spec's request body is only ` +
          Object.keys(requestBody.content).join(', '),
      );
    }
    const query = new URL(exchange.url, 'http://spec.invalid').searchParams;
    for (const parameter of parameters) {
      if (!parameter.required) continue;
      const present =
        parameter.in === 'header'
          ? exchange.requestHeaders.has(parameter.name.toLowerCase())
          : parameter.in === 'query'
            ? query.has(parameter.name)
            : true;
      if (!present)
        failures.push(
          `${where} answered ${exchange.status} without the ${parameter.in} parameter ${parameter.name}, which the spec requires`,
        );
    }
  }

  const response = responseFor(operation, exchange.status);
  if (!response) {
    const described = Object.keys(operation.responses).join(', ');
    return [...failures, `${where} answered ${exchange.status}, which the spec does not describe (it lists ${described})`];
  }

  // A refusal for a missing Idempotency-Key means the header is required, and the spec must say so.
  if (exchange.status === 400 && exchange.body.includes('/problems/idempotency-key-required')) {
    const header = parameters.find((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key');
    if (!header?.required)
      failures.push(`${where} refused a request for lack of Idempotency-Key, but the spec does not mark it required`);
  }

  const content = response.content ?? {};
  const mediaType = mediaTypeOf(exchange.contentType);
  if (exchange.body.length === 0 || exchange.method.toUpperCase() === 'HEAD') {
    if (Object.keys(content).length > 0 && exchange.method.toUpperCase() !== 'HEAD') {
      failures.push(
        `${where} answered ${exchange.status} with no body, but the spec describes one (${Object.keys(content).join(', ')})`,
      );
    }
    return failures;
  }
  if (!mediaType || !content[mediaType]) {
    const described = Object.keys(content).join(', ') || 'no body';
    failures.push(
      `${where} answered ${exchange.status} as ${mediaType ?? 'no content type'}, but the spec describes ${described}`,
    );
    return failures;
  }
  const schema = content[mediaType].schema;
  if (!isJson(mediaType) || !schema) return failures;
  let body: unknown;
  try {
    body = JSON.parse(exchange.body.toString('utf8')) as unknown;
  } catch {
    return [...failures, `${where} answered ${exchange.status} as ${mediaType}, but the body is not JSON`];
  }
  const validate = validatorFor(schema);
  if (!validate(body)) {
    const errors = (validate.errors ?? []).map(
      (e) => `${e.instancePath || '(body)'} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
    );
    failures.push(`${where} answered ${exchange.status} with a body that does not match the spec:\n  ${errors.join('\n  ')}`);
  }
  return failures;
}

/** The request body's media type as fetch will send it (an explicit Content-Type, or the one its body type implies). */
export function requestMediaType(init: RequestInit | undefined): string | null {
  if (init?.body === undefined || init.body === null) return null;
  const explicit = new Headers(init.headers).get('content-type');
  if (explicit) return mediaTypeOf(explicit);
  const body = init.body;
  if (body instanceof FormData) return 'multipart/form-data';
  if (body instanceof URLSearchParams) return 'application/x-www-form-urlencoded';
  if (body instanceof Blob) return mediaTypeOf(body.type);
  if (typeof body === 'string') return 'text/plain';
  return null;
}

/**
 * fetch() that also checks the exchange against the spec: it rejects, failing the test that made the call, when the
 * answer is not described. The caller gets the untouched response (its body is read from a clone).
 */
export async function checkedFetch(baseUrl: string, path: string, init?: RequestInit): Promise<Response> {
  const response = await fetch(baseUrl + path, init);
  const checker = await conformance();
  const body = Buffer.from(await response.clone().arrayBuffer());
  const failures = checker.check({
    method: init?.method ?? 'GET',
    url: path,
    requestMediaType: requestMediaType(init),
    requestHeaders: new Set([...new Headers(init?.headers).keys()]),
    status: response.status,
    contentType: response.headers.get('content-type'),
    body,
  });
  if (failures.length > 0) {
    throw new Error(
      `The OpenAPI spec does not describe this answer (see tests/integration/openapi.test.ts):\n- ${failures.join('\n- ')}`,
    );
  }
  return response;
}
