import restify, { type Request, type Response, type Server } from 'restify';
import type { MikroORM } from '@mikro-orm/core';
import type { Config } from '../src/config';
import type { Logger } from '../src/shared/logger';
import { withLazyEntityManager } from '../src/db/request-context';
import { bodyParser } from './body';
import { toProblem, problemFor, PROBLEM_MEDIA_TYPE, type Problem } from './problems';
import { trustedProxies } from './client-address';
import { assignRequestMeta } from './request-meta';
import { createBearerAuthenticator, type BearerDependencies } from './authentication';
import { isStreamingRoute, problemWriterOf } from './routes';
import { loggablePath, pathOf } from './paths';

function jsonFormatter(_req: Request, res: Response, body: unknown): string {
  const data = body === undefined ? '' : JSON.stringify(body);
  res.setHeader('Content-Length', Buffer.byteLength(data));
  return data;
}

/** Sends a problem+json response with the request id. */
export function sendProblem(req: Request, res: Response, problem: Problem, headers: Record<string, string> = {}): void {
  const body: Problem = { ...problem, instance: req.url?.split('?')[0], requestId: req.meta?.requestId };
  for (const [name, value] of Object.entries(headers)) res.header(name, value);
  res.header('Content-Type', `${PROBLEM_MEDIA_TYPE}; charset=utf-8`);
  res.send(problem.status, body);
}

/** Answers a problem the way the request's route declared (http/routes.ts), else as problem+json. */
function answerProblem(server: Server, req: Request, res: Response, problem: Problem, headers: Record<string, string> = {}) {
  if (problemWriterOf(server, req)?.(res, problem, headers)) return;
  sendProblem(req, res, problem, headers);
}

export interface HttpServerOptions {
  config: Config;
  logger: Logger;
  orm: MikroORM;
  /** What `req.authenticateBearer()` needs to verify a citizen's access token. */
  bearer: BearerDependencies;
}

/**
 * The restify server with everything that is the same for every route, whichever edge registers it: request id,
 * client address, access log, request timeout, one EntityManager per request, the body parser (streaming routes
 * excepted, see http/routes.ts), `req.authenticateBearer()`, and the mapping of errors to problems.
 * Routes are added by the edges.
 */
export function createHttpServer({ config, logger, orm, bearer }: HttpServerOptions): Server {
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

  server.pre(assignRequestMeta(trustedProxies(config.trustedProxies)));

  // The access log is written when the response is (its 'finish'), not when the handler chain ends: a request answered
  // 503 by the timeout below while its handler is still waiting is logged then, like every other answer.
  server.pre(function accessLog(req: Request, res: Response, next: restify.Next) {
    // At info: below that level (production runs at warn) not even the listener is added.
    if (logger.isLevelEnabled('info')) res.once('finish', () => logRequest(logger, req, res));
    next();
  });

  server.pre(function requestTimeout(req: Request, res: Response, next: restify.Next) {
    const timer = setTimeout(() => {
      if (!res.headersSent) answerProblem(server, req, res, problemFor('request-timeout'));
    }, config.requestTimeoutMs);
    timer.unref();
    res.once('finish', () => clearTimeout(timer));
    res.once('close', () => clearTimeout(timer));
    next();
  });

  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(bodyParser(config.maxJsonBodyBytes, (req) => isStreamingRoute(server, req)));
  server.use(function entityManagerPerRequest(_req: Request, _res: Response, next: restify.Next) {
    withLazyEntityManager(orm.em, next);
  });
  // Installed here, not by an edge: a route of either edge may read the citizen's bearer token, whatever the order
  // in which the edges registered their routes.
  const authenticate = createBearerAuthenticator(config, bearer);
  server.use(function bearerAuthentication(req: Request, res: Response, next: restify.Next) {
    req.authenticateBearer = () => authenticate(req, res);
    next();
  });

  server.on('restifyError', (req: Request, res: Response, error: unknown, callback: () => void) => {
    const { problem, headers, unexpected } = toProblem(error);
    if (unexpected) {
      logger.error({ err: error, requestId: req.meta?.requestId, route: req.getRoute?.()?.path }, 'unexpected error');
    }
    if (!res.headersSent) answerProblem(server, req, res, problem, headers);
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
