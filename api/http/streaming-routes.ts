import type { Request } from 'restify';

/**
 * Routes that read their own request body as a stream (file uploads): the JSON body parser leaves them alone, so an
 * upload is never buffered whole before its size and type are checked.
 */
export function isStreamingRoute(req: Request): boolean {
  const path = (req.url ?? '').split('?')[0] ?? '';
  return req.method === 'PUT' && /^\/v1\/documents\/[^/]+\/file\/?$/.test(path);
}
