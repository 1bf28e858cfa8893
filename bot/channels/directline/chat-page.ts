import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Request, Response, Server } from 'restify';
import type { PublicLinks } from '../../../src/shared/public-links';
import { pagePolicy } from '../../../http/routes';

/** The page's own files, next to this module (copied into dist by `npm run build`). */
const ASSETS = join(__dirname, 'chat');

/**
 * Scripts only from the app itself: no inline script anywhere. Web Chat injects its component styles at run time
 * (emotion), so styles need 'unsafe-inline'; the bundle is served by the app (no CDN) and talks to the same origin,
 * reading the file a citizen attaches through a blob: URL before uploading it (and making its thumbnail in a worker).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' blob:",
  // Web Chat makes the thumbnail of an attached photo in a worker it creates from a blob: URL.
  "worker-src 'self' blob:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

/** The web chat page's route (the e-mails about channel links send citizens there, see {@link chatLinks}). */
export const CHAT_PAGE = '/chat';

/**
 * The default policy of the responses under /chat that send none of their own (the /chat/ redirect, an unknown file):
 * the page's needs, Direct Line over fetch and WebSocket included.
 */
const DEFAULT_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "media-src 'self' blob:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

interface Asset {
  file: string;
  type: string;
  cache: string;
}

const PAGES: Record<string, Asset> = {
  [CHAT_PAGE]: { file: join(ASSETS, 'index.html'), type: 'text/html; charset=utf-8', cache: 'no-cache' },
  '/chat/chat.js': { file: join(ASSETS, 'chat.js'), type: 'text/javascript; charset=utf-8', cache: 'no-cache' },
  '/chat/chat.css': { file: join(ASSETS, 'chat.css'), type: 'text/css; charset=utf-8', cache: 'no-cache' },
  '/chat/webchat.js': {
    // The package exports no ./package.json; its CommonJS entry is lib/index.js, next to dist/.
    file: join(dirname(require.resolve('botframework-webchat')), '..', 'dist', 'webchat.js'),
    type: 'text/javascript; charset=utf-8',
    // The bundle changes only with the installed version; a day of caching spares phones 3.9 MB per visit.
    cache: 'public, max-age=86400',
  },
};

/**
 * `GET /chat`: the city's web chat page (sign in, then Bot Framework Web Chat over the app's Direct Line), its script
 * and style, and the Web Chat bundle from node_modules. Files are read once, on first request.
 */
export function registerChatPage(server: Server): void {
  pagePolicy(server, { path: CHAT_PAGE, subtree: true }, DEFAULT_POLICY);
  // As /docs sends the browser on to /docs/, /chat/ sends it on to /chat: a typed trailing slash still finds the page.
  server.get('/chat/', async function chatRedirect(_req: Request, res: Response) {
    res.writeHead(301, { Location: CHAT_PAGE, 'Content-Length': 0 });
    res.end();
  });
  const loaded = new Map<string, Buffer>();
  for (const [path, asset] of Object.entries(PAGES)) {
    server.get(path, async function chatAsset(_req: Request, res: Response) {
      let body = loaded.get(path);
      if (!body) {
        body = readFileSync(asset.file);
        loaded.set(path, body);
      }
      res.writeHead(200, {
        'Content-Type': asset.type,
        'Content-Length': body.length,
        'Cache-Control': asset.cache,
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
      });
      res.end(body);
    });
  }
}

/** The chat edge's part of the domain's {@link PublicLinks}: the web chat page under the public base URL. */
export function chatLinks(publicBaseUrl: string): Pick<PublicLinks, 'chat'> {
  return { chat: () => `${publicBaseUrl}${CHAT_PAGE}` };
}
