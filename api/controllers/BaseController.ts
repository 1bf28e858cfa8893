import { Controller } from '@tsoa/runtime';
import type { ControllerContext } from '../ioc';

/** Base of every REST controller: the request's services and metadata, and tsoa's status/header plumbing. */
export abstract class BaseController extends Controller {
  constructor(protected readonly context: ControllerContext) {
    super();
  }

  protected get services() {
    return this.context.services;
  }
}
