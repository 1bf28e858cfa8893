import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Request, Response, Server } from 'restify';
import { DomainError } from '../../src/shared/errors';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.png': 'image/png',
};

/** The Swagger UI files we serve, all from the installed swagger-ui-dist package: nothing comes from a CDN. */
const UI_FILES = [
  'index.html',
  'index.css',
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'oauth2-redirect.html',
  'oauth2-redirect.js',
  'favicon-16x16.png',
  'favicon-32x32.png',
];

/** Points Swagger UI at our spec; the OAuth2 password flow of the spec makes "Authorize" sign in through /v1/auth/token. */
const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout'
  });
};
`;

function loadUiFiles(): Map<string, { body: Buffer; type: string }> {
  const folder = dirname(require.resolve('swagger-ui-dist/package.json'));
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of UI_FILES) {
    const extension = name.slice(name.lastIndexOf('.'));
    let body = readFileSync(join(folder, name));
    if (name === 'index.html') body = Buffer.from(body.toString('utf8').replace('<html lang="en">', '<html lang="pt-BR">'));
    files.set(name, { body, type: CONTENT_TYPES[extension] });
  }
  files.set('swagger-initializer.js', { body: Buffer.from(INITIALIZER), type: CONTENT_TYPES['.js'] });
  return files;
}

function sendFile(res: Response, file: { body: Buffer; type: string }): void {
  res.writeHead(200, {
    'Content-Type': file.type,
    'Content-Length': file.body.length,
    'Cache-Control': 'public, max-age=3600',
  });
  res.end(file.body);
}

/** `GET /openapi.json` (the generated spec) and `GET /docs` (Swagger UI). */
export function registerDocs(server: Server, spec: object): void {
  const files = loadUiFiles();
  const specBody = Buffer.from(JSON.stringify(spec));

  server.get('/openapi.json', async function openApiSpec(_req: Request, res: Response) {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': specBody.length });
    res.end(specBody);
  });
  server.get('/docs', async function docsRedirect(_req: Request, res: Response) {
    res.writeHead(301, { Location: '/docs/', 'Content-Length': 0 });
    res.end();
  });
  server.get('/docs/', async function docsIndex(_req: Request, res: Response) {
    sendFile(res, files.get('index.html')!);
  });
  server.get('/docs/:file', async function docsAsset(req: Request, res: Response) {
    const file = files.get(String((req.params as Record<string, unknown>).file));
    if (!file) throw new DomainError('route-not-found');
    sendFile(res, file);
  });
}
