import { Controller } from '@tsoa/runtime';
import type { ControllerContext } from '../ioc';
import type { Actor } from '../../src/shared/access';
import type { RequestInfo } from '../../src/shared/request-info';
import type { IdempotentResult } from '../../src/transport/idempotency';
import { requestInfo } from '../../http/request-meta';
import { DomainError } from '../../src/shared/errors';

/**
 * Base of every REST controller: the request's services, caller and metadata, and tsoa's status/header plumbing.
 *
 * How a controller describes its answers in the spec (tsoa reads the decorators of each class itself, not of this
 * base): the class has `@Produces(PROBLEM_MEDIA_TYPE)`, so every `@Response<Problem>` is `application/problem+json`,
 * plus the problems every route can answer (400 for a NUL in the URL, 429, 500, 503; 401 when secured); each method
 * declares its own success
 * media type (`@Produces('application/json')` unless it returns nothing) and its own problems, and every POST, PUT,
 * PATCH and DELETE also 400, 413 and 415 from the body parser. tests/integration/openapi.test.ts checks all of it.
 */
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
    return requestInfo(this.context.request);
  }

  /**
   * The answer of an operation with an `Idempotency-Key`: `status`, and `Idempotent-Replayed: true` when it is the
   * stored first answer given again (the same status, the same body).
   */
  protected idempotent<T>(outcome: IdempotentResult<T>, status: number): T {
    this.setStatus(status);
    if (outcome.replayed) this.setHeader('Idempotent-Replayed', 'true');
    return outcome.result;
  }
}
