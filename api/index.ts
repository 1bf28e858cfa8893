import type { Request, Response, Server } from 'restify';
import type { Config } from '../src/config';
import type { Database } from '../src/db/orm';
import type { Secrets } from '../src/shared/secrets';
import type { AppServices } from '../src/services';
import { RegisterRoutes } from './generated/routes';
import { registerDocs } from './http/docs';
import { registerHealth } from './http/health';
import { registerHome } from './http/home';
import { createBearerAuthenticator } from './http/authentication';
import { registerSocialLogin } from './http/social-login';

export interface ApiDependencies {
  services: AppServices;
  db: Database;
  secrets: Secrets;
  config: Config;
}

/** Mounts the REST edge: the tsoa controllers, health, readiness, the API docs and the root page linking to them. */
export function registerApi(server: Server, { services, db, secrets, config }: ApiDependencies): void {
  const authenticate = createBearerAuthenticator(config, secrets.jwtSecret, services.sessions);
  server.use(function attachServices(req: Request, res: Response, next: () => void) {
    req.services = services;
    req.authenticateBearer = () => authenticate(req, res);
    next();
  });
  registerHome(server);
  registerHealth(server, db);
  registerDocs(server);
  RegisterRoutes(server);
  registerSocialLogin(server, services, config.social, secrets.jwtSecret);
}
