import type { Config } from './config';
import type { EntityManager } from './db/orm';
import type { Logger } from './shared/logger';
import { DocumentTypesService } from './documents/document-types.service';

/** Everything a service may depend on. The entity manager is the root one: inside a request it resolves to the request's fork. */
export interface ServiceDependencies {
  config: Config;
  em: EntityManager;
  logger: Logger;
}

/** The domain services, shared by the REST edge and the bot edge. */
export interface AppServices {
  documentTypes: DocumentTypesService;
}

/** Builds the domain services once per app. */
export function createServices(_deps: ServiceDependencies): AppServices {
  return {
    documentTypes: new DocumentTypesService(),
  };
}
