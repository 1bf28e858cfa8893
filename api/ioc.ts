import type { IocContainer, IocContainerFactory } from '@tsoa/runtime';
import type { Request } from 'restify';
import type { AppServices } from '../src/services';

/** What a controller is built with: the app's services and the request it serves. */
export interface ControllerContext {
  services: AppServices;
  request: Request;
}

declare module 'restify' {
  interface Request {
    services: AppServices;
  }
}

type ControllerClass = new (context: ControllerContext) => unknown;

/**
 * tsoa asks this container for a controller on every request. Controllers are cheap objects built per request with
 * the services of the app that received it, so several apps (tests, two instances) can live in one process.
 */
export const iocContainer: IocContainerFactory<Request> = (request: Request): IocContainer =>
  ({
    get(controller: unknown) {
      return new (controller as ControllerClass)({ services: request.services, request });
    },
  }) as IocContainer;
