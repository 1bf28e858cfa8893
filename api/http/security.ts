import type { MikroORM } from '@mikro-orm/core';
import type { Next, Request, Response, Server } from 'restify';
import type { Config } from '../../src/config';
import type { EntityManager } from '../../src/db/orm';
import type { Logger } from '../../src/shared/logger';
import { RateLimiter } from '../../src/shared/rate-limiter';
import { RateLimitWindowsRepository } from '../../src/shared/rate-limit-windows.repository';
import { problemFor } from '../../http/problems';
import { sendProblem } from '../../http/server';
import { isCanonicalPath, pathOf } from '../../http/paths';
import { isGlobalRateLimitExempt, pagePolicyOf } from '../../http/routes';

/** Nothing may load, frame or submit from an API response: JSON needs none of it. */
const API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Methods and request headers a browser on an allowed origin may use. */
const CORS_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';
const CORS_HEADERS = 'Authorization, Content-Type, Idempotency-Key, X-Request-Id';
const CORS_EXPOSED = 'X-Request-Id, Retry-After, Location, Content-Disposition';

/** Whether `writeHead`'s own headers (an object or a flat [name, value, ...] list) include `name`. */
function passesHeader(args: unknown[], name: string): boolean {
  return args.some((arg) => {
    if (Array.isArray(arg)) return arg.some((item, i) => i % 2 === 0 && String(item).toLowerCase() === name);
    return typeof arg === 'object' && arg !== null && Object.keys(arg).some((key) => key.toLowerCase() === name);
  });
}

/**
 * Sets the default Content-Security-Policy at the last moment, only if the route did not send one: restify's
 * `res.header()` appends to a header already set, so setting the default first would merge two policies.
 */
function defaultPolicyUnlessSet(res: Response, policy: string): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => Response;
  res.writeHead = function writeHeadWithPolicy(...args: unknown[]) {
    if (!res.hasHeader('content-security-policy') && !passesHeader(args, 'content-security-policy')) {
      res.setHeader('Content-Security-Policy', policy);
    }
    return writeHead(...args);
  };
}

/**
 * A `pre` handler, registered before any other decision about the path (rate-limit exemptions, security headers,
 * routing, the access log): a path not in canonical form is refused with a 400 problem. Refusing rather than
 * rewriting keeps one spelling per route, so no later check can read a different path than the router did; clients
 * (browsers, fetch, HTTP libraries) send canonical paths on their own.
 */
function refuseNonCanonicalPaths(req: Request, res: Response, next: Next): void {
  if (isCanonicalPath(pathOf(req))) {
    next();
    return;
  }
  sendProblem(
    req,
    res,
    problemFor(
      'malformed-request',
      'O caminho da requisição não está na forma canônica: sem "//", "." ou ".." como segmentos, barras invertidas ou caracteres codificados sem necessidade (%2e, %2f...).',
    ),
  );
  next(false);
}

export interface SecurityOptions {
  config: Config;
  logger: Logger;
  orm: MikroORM;
}

/**
 * Registers, as `pre` handlers (before routing and body parsing, so a refused request costs little): the refusal of
 * non-canonical paths (first, so every later decision reads the path the router reads), the security headers, CORS
 * for the allow-listed origins (preflights answered here), and the global per-address rate limit, counted in the
 * database so it holds across every instance. Must come after the handler that resolves the client address. Which
 * paths skip the global limit and which pages get their own default policy, each edge declares where it registers
 * them (http/routes.ts), so this file names none of the other edge's paths.
 */
export function applySecurity(server: Server, { config, logger, orm }: SecurityOptions): void {
  const { corsAllowedOrigins, globalRateLimit, globalRateWindowSeconds } = config.security;
  const hsts = config.publicBaseUrl.startsWith('https:');
  const allowed = new Set(corsAllowedOrigins);
  const limiter = new RateLimiter(
    'global',
    { limit: globalRateLimit, windowSeconds: globalRateWindowSeconds },
    new RateLimitWindowsRepository(orm.em as EntityManager),
  );

  server.pre(refuseNonCanonicalPaths);

  server.pre(function securityHeaders(req: Request, res: Response, next: Next) {
    defaultPolicyUnlessSet(res, pagePolicyOf(server, pathOf(req)) ?? API_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    // Only over https: a browser would otherwise pin a development http origin to https.
    if (hsts) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    next();
  });

  server.pre(function cors(req: Request, res: Response, next: Next) {
    const origin = req.headers.origin;
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    res.setHeader('Vary', 'Origin');
    const permitted = typeof origin === 'string' && allowed.has(origin);
    if (permitted) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', CORS_EXPOSED);
    }
    if (!preflight) {
      next();
      return;
    }
    // A preflight never reaches a route; a refused origin gets the same 204 without CORS headers, which the browser
    // reads as "not allowed".
    if (permitted) {
      res.setHeader('Access-Control-Allow-Methods', CORS_METHODS);
      res.setHeader('Access-Control-Allow-Headers', CORS_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
    }
    res.writeHead(204, { 'Content-Length': 0 });
    res.end();
    next(false);
  });

  // 0 turns the global limit off (an edge proxy limits instead), and with it the upsert each request would cost.
  if (globalRateLimit === 0) return;
  server.pre(function globalRateLimitHandler(req: Request, res: Response, next: Next) {
    if (isGlobalRateLimitExempt(server, pathOf(req))) {
      next();
      return;
    }
    // One upsert on the connection: no unit of work (and no EntityManager fork) for a request that may be refused.
    limiter.hit(req.meta.address).then(
      (retryAfterSeconds) => {
        if (retryAfterSeconds === 0) {
          next();
          return;
        }
        sendProblem(
          req,
          res,
          problemFor('rate-limited', `Muitas requisições deste endereço. Tente de novo em ${retryAfterSeconds} segundos.`),
          { 'Retry-After': String(retryAfterSeconds) },
        );
        next(false);
      },
      (error: unknown) => {
        // Fail open: with the database unreachable the request fails on its own with a 503 problem; refusing it here
        // as "too many requests" would mislead the client.
        logger.warn({ err: error, requestId: req.meta.requestId }, 'global rate limit check failed');
        next();
      },
    );
  });
}
