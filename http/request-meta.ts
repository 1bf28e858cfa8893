import { randomUUID } from 'node:crypto';
import type { Next, Request, Response } from 'restify';
import type { RequestInfo } from '../src/shared/request-info';
import { clientAddress, type TrustedProxies } from './client-address';

/** What every request carries once the `pre` handlers ran. */
export interface RequestMeta {
  requestId: string;
  startedAt: bigint;
  address: string;
}

declare module 'restify' {
  interface Request {
    meta: RequestMeta;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The `pre` handler that gives each request its metadata: the caller's X-Request-Id when it is a plain token (else a
 * new one, echoed back), the start time, and the client address (see {@link clientAddress}).
 */
export function assignRequestMeta(isTrustedProxy: TrustedProxies) {
  return function assignRequestMeta(req: Request, res: Response, next: Next): void {
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.meta = { requestId, startedAt: process.hrtime.bigint(), address: clientAddress(req, isTrustedProxy) };
    res.header('X-Request-Id', requestId);
    next();
  };
}

/** Who is asking and from where, as the services that audit or throttle take it. */
export function requestInfo(req: Request): RequestInfo {
  return { address: req.meta.address, requestId: req.meta.requestId };
}
