import type { Request, Response, Server } from 'restify';
import type { Config } from '../src/config';
import type { Database } from '../src/db/orm';
import type { Secrets } from '../src/shared/secrets';
import type { AppServices } from '../src/services';
import type { OutboundHttp } from '../src/shared/outbound-http';
import { RegisterRoutes } from './generated/routes';
import { registerDocs } from './http/docs';
import { registerHealth } from './http/health';
import { createBearerAuthenticator } from './http/authentication';
import { registerSocialLogin } from './http/social-login';

export interface ApiDependencies {
  services: AppServices;
  db: Database;
  secrets: Secrets;
  config: Config;
  /** The app's outbound calls (the sign-in providers'). */
  outbound: OutboundHttp;
}

/** Mounts the REST edge: the tsoa controllers, health, readiness and the API docs. */
export function registerApi(server: Server, { services, db, secrets, config, outbound }: ApiDependencies): void {
  const authenticate = createBearerAuthenticator(config, secrets.jwtSecret, services.sessions);
  server.use(function attachServices(req: Request, res: Response, next: () => void) {
    req.services = services;
    req.authenticateBearer = () => authenticate(req, res);
    next();
  });
  registerHealth(server, db);
  registerDocs(server);
  RegisterRoutes(server);
  registerSocialLogin(server, services, config.social, secrets.jwtSecret, outbound);
}
