import type { Request } from 'restify';

/**
 * Routes that read their own request body as a stream (file uploads, signed webhooks): the JSON body parser leaves them
 * alone, so an upload is never buffered whole before its size and type are checked.
 */
export function isStreamingRoute(req: Request): boolean {
  const path = (req.url ?? '').split('?')[0] ?? '';
  if (req.method === 'PUT' && /^\/v1\/documents\/[^/]+\/file\/?$/.test(path)) return true;
  if (req.method === 'POST' && /^\/v3\/directline\/conversations\/[^/]+\/upload\/?$/.test(path)) return true;
  // WhatsApp deliveries are authenticated over their exact bytes before anything parses them (bot/channels/whatsapp).
  return req.method === 'POST' && /^\/webhooks\/whatsapp\/?$/.test(path);
}
