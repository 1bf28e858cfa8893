import type { Request, Response, Server } from 'restify';
import type { Config } from '../src/config';
import type { Database } from '../src/db/orm';
import type { Secrets } from '../src/shared/secrets';
import type { AppServices } from '../src/services';
import type { Clock } from '../src/shared/clock';
import type { OutboundHttp } from '../src/shared/outbound-http';
import { RegisterRoutes } from './generated/routes';
import { registerDocs } from './http/docs';
import { registerHealth } from './http/health';
import { registerHome } from './http/home';
import { createBearerAuthenticator } from './http/authentication';
import { registerSocialLogin } from './http/social-login';
import { registerAccountPages } from './http/account-pages';

export interface ApiDependencies {
  services: AppServices;
  db: Database;
  secrets: Secrets;
  config: Config;
  clock: Clock;
  /** The app's outbound calls (the sign-in providers'). */
  outbound: OutboundHttp;
}

/**
 * Mounts the REST edge: the tsoa controllers, health, readiness, the API docs, the root page linking to them and the
 * account page of e-mail notices.
 */
export function registerApi(server: Server, { services, db, secrets, config, clock, outbound }: ApiDependencies): void {
  const authenticate = createBearerAuthenticator(config, secrets.jwtSecret, services.sessions, clock);
  server.use(function attachServices(req: Request, res: Response, next: () => void) {
    req.services = services;
    req.authenticateBearer = () => authenticate(req, res);
    next();
  });
  registerHome(server);
  registerHealth(server, db);
  registerDocs(server);
  RegisterRoutes(server);
  registerSocialLogin(server, services, config.social, secrets.jwtSecret, outbound);
  registerAccountPages(server);
}
