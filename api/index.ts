import type { Request, Response, Server } from 'restify';
import type { Database } from '../src/db/orm';
import type { AppServices } from '../src/services';
import { RegisterRoutes } from './generated/routes';
import spec from './generated/openapi.json';
import { registerDocs } from './http/docs';
import { registerHealth } from './http/health';

/** Mounts the REST edge: the tsoa controllers, health, readiness and the API docs. */
export function registerApi(server: Server, services: AppServices, db: Database): void {
  server.use(function attachServices(req: Request, _res: Response, next: () => void) {
    req.services = services;
    next();
  });
  registerHealth(server, db);
  registerDocs(server, spec);
  RegisterRoutes(server);
}
