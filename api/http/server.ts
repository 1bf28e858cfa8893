import { randomUUID } from 'node:crypto';
import restify, { type Request, type Response, type Server } from 'restify';
import type { MikroORM } from '@mikro-orm/core';
import type { Config } from '../../src/config';
import type { Logger } from '../../src/shared/logger';
import { bodyParser, type StreamingRoute } from './body';
import { toProblem, problemFor, type Problem } from './problems';
import { clientAddress, trustedProxies } from './client-address';
import { loggablePath, pathOf } from './paths';
import { withLazyEntityManager } from '../../src/db/request-context';

/** What every request carries once the `pre` handlers ran. */
export interface RequestMeta {
  requestId: string;
  startedAt: bigint;
  address: string;
}

declare module 'restify' {
  interface Request {
    meta: RequestMeta;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function jsonFormatter(_req: Request, res: Response, body: unknown): string {
  const data = body === undefined ? '' : JSON.stringify(body);
  res.setHeader('Content-Length', Buffer.byteLength(data));
  return data;
}

/**
 * The route whose errors are OAuth 2.0 errors (RFC 6749 §5.2), whatever refuses the request: its own grant errors, and
 * the body parser's and the validation's too (a NUL byte, an oversized or mistyped field).
 */
const OAUTH_TOKEN_ROUTE = '/v1/auth/token';

/** Sends a problem+json response with the request id (an OAuth error body on the token route). */
export function sendProblem(req: Request, res: Response, problem: Problem, headers: Record<string, string> = {}): void {
  if (req.getRoute?.()?.path === OAUTH_TOKEN_ROUTE && problem.status >= 400 && problem.status < 500) {
    for (const [name, value] of Object.entries(headers)) res.header(name, value);
    res.header('Cache-Control', 'no-store');
    const field = problem.errors?.[0];
    res.json(problem.status === 429 ? 429 : 400, {
      error: problem.status === 429 ? 'slow_down' : 'invalid_request',
      error_description: field ? `${field.field}: ${field.message}` : problem.detail,
    });
    return;
  }
  const body: Problem = { ...problem, instance: req.url?.split('?')[0], requestId: req.meta?.requestId };
  for (const [name, value] of Object.entries(headers)) res.header(name, value);
  res.header('Content-Type', 'application/problem+json; charset=utf-8');
  res.send(problem.status, body);
}

export interface HttpServerOptions {
  config: Config;
  logger: Logger;
  orm: MikroORM;
  isStreamingRoute?: StreamingRoute;
}

/**
 * The restify server with everything that is the same for every route: request id, client address, access log,
 * request timeout, one EntityManager per request, the body parser and the problem+json error mapping.
 * Routes are added by the caller.
 */
export function createHttpServer({ config, logger, orm, isStreamingRoute = () => false }: HttpServerOptions): Server {
  const server = restify.createServer({
    name: 'carteira-digital-carioca',
    handleUncaughtExceptions: false,
    formatters: {
      'application/json': jsonFormatter,
      'application/problem+json': jsonFormatter,
    },
  });
  // Keep-alive sockets must not outlive a graceful shutdown for long.
  server.server.keepAliveTimeout = 5000;
  server.server.requestTimeout = 0;

  const isTrustedProxy = trustedProxies(config.trustedProxies);
  server.pre(function assignRequestMeta(req: Request, res: Response, next: restify.Next) {
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.meta = { requestId, startedAt: process.hrtime.bigint(), address: clientAddress(req, isTrustedProxy) };
    res.header('X-Request-Id', requestId);
    next();
  });

  // The access log is written when the response is (its 'finish'), not when the handler chain ends: a request answered
  // 503 by the timeout below while its handler is still waiting is logged then, like every other answer.
  server.pre(function accessLog(req: Request, res: Response, next: restify.Next) {
    // At info: below that level (production runs at warn) not even the listener is added.
    if (logger.isLevelEnabled('info')) res.once('finish', () => logRequest(logger, req, res));
    next();
  });

  server.pre(function requestTimeout(req: Request, res: Response, next: restify.Next) {
    const timer = setTimeout(() => {
      if (!res.headersSent) sendProblem(req, res, problemFor('request-timeout'));
    }, config.requestTimeoutMs);
    timer.unref();
    res.once('finish', () => clearTimeout(timer));
    res.once('close', () => clearTimeout(timer));
    next();
  });

  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(bodyParser(config.maxJsonBodyBytes, isStreamingRoute));
  server.use(function entityManagerPerRequest(_req: Request, _res: Response, next: restify.Next) {
    withLazyEntityManager(orm.em, next);
  });

  server.on('restifyError', (req: Request, res: Response, error: unknown, callback: () => void) => {
    const { problem, headers, unexpected } = toProblem(error);
    if (unexpected) {
      logger.error({ err: error, requestId: req.meta?.requestId, route: req.getRoute?.()?.path }, 'unexpected error');
    }
    if (!res.headersSent) sendProblem(req, res, problem, headers);
    callback();
  });

  return server;
}

/** One access-log line per answered request. */
function logRequest(logger: Logger, req: Request, res: Response): void {
  const durationMs = req.meta ? Number(process.hrtime.bigint() - req.meta.startedAt) / 1e6 : undefined;
  logger.info(
    {
      requestId: req.meta?.requestId,
      method: req.method,
      route: req.getRoute?.()?.path ?? null,
      path: loggablePath(pathOf(req)),
      status: res.statusCode,
      durationMs: durationMs === undefined ? undefined : Math.round(durationMs * 100) / 100,
    },
    'request',
  );
}
