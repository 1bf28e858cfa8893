import type { Request, Response, Server } from 'restify';
import type { Config } from '../src/config';
import type { Database } from '../src/db/orm';
import type { Secrets } from '../src/shared/secrets';
import type { AppServices } from '../src/services';
import type { OutboundHttp } from '../http/outbound-http';
import { RegisterRoutes } from './generated/routes';
import { registerDocs } from './http/docs';
import { registerHealth } from './http/health';
import { registerHome } from './http/home';
import { routeProblemWriter, streamingRoute, type ProblemWriter } from '../http/routes';
import { registerSocialLogin } from './http/social-login';
import { registerAccountPages } from './http/account-pages';

export interface ApiDependencies {
  services: AppServices;
  db: Database;
  secrets: Secrets;
  config: Config;
  /** The app's outbound calls (the sign-in providers'). */
  outbound: OutboundHttp;
}

/**
 * The token endpoint's errors are OAuth 2.0 errors (RFC 6749 §5.2), whatever refuses the request: its own grant
 * errors, and the body parser's and the validation's too (a NUL byte, an oversized or mistyped field). Server-side
 * failures (5xx) stay problems.
 */
const oauthError: ProblemWriter = (res, problem, headers) => {
  if (problem.status < 400 || problem.status >= 500) return false;
  for (const [name, value] of Object.entries(headers)) res.header(name, value);
  res.header('Cache-Control', 'no-store');
  const field = problem.errors?.[0];
  res.json(problem.status === 429 ? 429 : 400, {
    error: problem.status === 429 ? 'slow_down' : 'invalid_request',
    error_description: field ? `${field.field}: ${field.message}` : problem.detail,
  });
  return true;
};

/**
 * Mounts the REST edge: the tsoa controllers, health, readiness, the API docs, the root page linking to them and the
 * account page of e-mail notices.
 */
export function registerApi(server: Server, { services, db, secrets, config, outbound }: ApiDependencies): void {
  server.use(function attachServices(req: Request, _res: Response, next: () => void) {
    req.services = services;
    next();
  });
  // The document file upload reads its multipart body as a stream (http/multipart.ts).
  streamingRoute(server, 'PUT', '/v1/documents/:id/file');
  routeProblemWriter(server, 'POST', '/v1/auth/token', oauthError);
  registerHome(server);
  registerHealth(server, db);
  registerDocs(server);
  RegisterRoutes(server);
  registerSocialLogin(server, services, config.social, secrets.jwtSecret, outbound);
  registerAccountPages(server);
}
