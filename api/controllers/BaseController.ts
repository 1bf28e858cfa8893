import { Controller } from '@tsoa/runtime';
import type { ControllerContext } from '../ioc';
import type { Actor } from '../../src/accounts/policies';
import type { RequestInfo } from '../../src/shared/request-info';
import { DomainError } from '../../src/shared/errors';

/** Base of every REST controller: the request's services, caller and metadata, and tsoa's status/header plumbing. */
export abstract class BaseController extends Controller {
  constructor(protected readonly context: ControllerContext) {
    super();
  }

  protected get services() {
    return this.context.services;
  }

  /** The authenticated caller (routes with `@Security`). */
  protected get actor(): Actor {
    const actor = this.context.request.actor;
    if (!actor) throw new DomainError('unauthorized');
    return actor;
  }

  /** Address and request id, for services that audit or throttle. */
  protected get info(): RequestInfo {
    const meta = this.context.request.meta;
    return { address: meta.address, requestId: meta.requestId };
  }
}
