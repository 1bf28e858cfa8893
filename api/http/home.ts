import type { Request, Response, Server } from 'restify';

/** Where a newcomer goes from the root: the API docs, the web chat and the health check. */
const LINKS = [
  { rel: 'docs', href: '/docs/', title: 'Documentação da API (Swagger UI)' },
  { rel: 'openapi', href: '/openapi.json', title: 'Descrição OpenAPI 3' },
  { rel: 'chat', href: '/chat', title: 'Web chat com a IPlani' },
  { rel: 'health', href: '/health', title: 'Saúde do serviço' },
] as const;

const PAGE = Buffer.from(
  [
    '<!doctype html>',
    '<html lang="pt-BR"><head><meta charset="utf-8"><title>Carteira Digital Carioca</title>',
    '<meta name="viewport" content="width=device-width, initial-scale=1"></head>',
    '<body><h1>Carteira Digital Carioca</h1><ul>',
    ...LINKS.map((link) => `<li><a href="${link.href}">${link.title}</a></li>`),
    '</ul></body></html>',
    '',
  ].join('\n'),
  'utf8',
);

/**
 * `GET /`: a small page linking to what the app serves (the API docs, the web chat, the health check), or the same
 * links as JSON for a client that asks for JSON.
 */
export function registerHome(server: Server): void {
  server.get('/', async function home(req: Request, res: Response) {
    if (/application\/json/i.test(req.headers.accept ?? '')) {
      res.json(200, { name: 'Carteira Digital Carioca', links: LINKS });
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': PAGE.length });
    res.end(PAGE);
  });
}
