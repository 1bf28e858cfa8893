import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

/**
 * The domain knows nothing of HTTP (issue 16, point 3): no file of src/ but the composition root (src/main.ts) imports
 * an HTTP server, client or channel library, calls the global fetch, or names a route the app serves. A link the
 * domain sends citizens comes from the edges through `PublicLinks` (src/shared/public-links.ts). A file that breaks the
 * rule fails here, naming what was found.
 *
 * The routes are the ones the edges register, read from their source: tsoa's `@Route(...)` and the paths given to
 * `server.get(...)`, `server.post(...)`... (a constant of the same file is followed). A route is matched by its
 * family, so a new route under a known family is covered at once and a new family is picked up from the edge.
 */
const ROOT = join(__dirname, '..', '..');
const EDGES = ['api', 'bot', 'http'];

/** The one file of src/ that knows the edges (DESIGN.md, docs/architecture.md). */
const COMPOSITION_ROOT = 'src/main.ts';

/** HTTP servers, clients, multipart parsers and chat channel SDKs, by module name. */
const HTTP_LIBRARY =
  /^(restify|busboy|botbuilder(-[a-z-]+)?|botframework-[a-z-]+|passport(-[a-z-]+)?|tsoa|@tsoa\/.+|ws|cookie-session|(node:)?(https?|http2)|undici|node-fetch|axios|got|superagent)(\/|$)/;

/**
 * Route families the scan of the edges cannot see, each with why: registered from a table in a loop.
 */
const UNSEEN_FAMILIES: ReadonlyArray<readonly [family: string, why: string]> = [
  ['/conta', 'api/http/account-pages.ts registers its pages from a table'],
  ['/redefinir-senha', 'api/http/account-pages.ts registers its pages from a table'],
];

const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'del', 'head', 'opts']);

/**
 * `/v1/verify/:token` -> `/v1/verify` (under a version, a family is a resource: the OTLP collector's `/v1/traces` is
 * not the app's), `/chat/chat.js` -> `/chat`; the root, `/`, is no family.
 */
function familyOf(path: string): string | null {
  const segments = path.split('/');
  if (segments[1] === '') return null;
  if (/^v\d+$/.test(segments[1]) && segments[2]) return `/${segments[1]}/${segments[2]}`;
  return `/${segments[1]}`;
}

/** The string a literal, a template or a same-file constant evaluates to, when it can be read without running code. */
function stringValue(node: ts.Expression, constants: Map<string, ts.Expression>, depth = 0): string | null {
  if (depth > 5) return null;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isIdentifier(node)) {
    const value = constants.get(node.text);
    return value ? stringValue(value, constants, depth + 1) : null;
  }
  if (ts.isTemplateExpression(node)) {
    let text = node.head.text;
    for (const span of node.templateSpans) {
      const part = stringValue(span.expression, constants, depth + 1);
      if (part === null) return null;
      text += part + span.literal.text;
    }
    return text;
  }
  return null;
}

function parse(path: string, source: string): ts.SourceFile {
  return ts.createSourceFile(path, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/** tsoa's method decorators. */
const TSOA_METHODS: ReadonlySet<string> = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete']);

/** The route paths an edge's file registers, as far as they can be read from its source. */
function routesIn(path: string, source: string): string[] {
  const file = parse(path, source);
  const constants = new Map<string, ts.Expression>();
  const calls: ts.Expression[] = [];
  const routes: string[] = [];
  const methodPaths: string[] = [];
  let routePrefix = '';
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      constants.set(node.name.text, node.initializer);
    }
    if (ts.isCallExpression(node) && node.arguments.length > 0) {
      const callee = node.expression;
      // tsoa's @Route('v1/verify') is relative to the root.
      if (ts.isIdentifier(callee) && callee.text === 'Route' && ts.isStringLiteral(node.arguments[0])) {
        routePrefix = node.arguments[0].text;
        routes.push(`/${routePrefix}`);
      }
      // A controller routed at a bare version (@Route('v1')) names its resources in its method decorators.
      if (ts.isIdentifier(callee) && TSOA_METHODS.has(callee.text) && ts.isStringLiteral(node.arguments[0])) {
        methodPaths.push(node.arguments[0].text);
      }
      if (ts.isPropertyAccessExpression(callee) && ROUTE_METHODS.has(callee.name.text)) calls.push(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (/^v\d+$/.test(routePrefix)) {
    routes.splice(routes.indexOf(`/${routePrefix}`), 1, ...methodPaths.map((path) => `/${routePrefix}/${path}`));
  }
  for (const argument of calls) {
    const value = stringValue(argument, constants);
    if (value?.startsWith('/')) routes.push(value);
  }
  return routes;
}

/** Every TypeScript file under `folder`, as project-relative paths with `/`. */
function filesUnder(folder: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) files.push(relative(ROOT, full).split(sep).join('/'));
    }
  };
  walk(join(ROOT, folder));
  return files.sort();
}

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** Every route the edges register (as far as their source says) and the families of the app's routes. */
function appRoutes(): { routes: string[]; families: string[] } {
  const routes = EDGES.flatMap((folder) => filesUnder(folder))
    .filter((path) => !path.startsWith('api/generated/'))
    .flatMap((path) => routesIn(path, read(path)));
  const families = new Set(routes.map(familyOf).filter((family): family is string => family !== null));
  for (const [family] of UNSEEN_FAMILIES) families.add(family);
  return { routes, families: [...families].sort() };
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What `source`, placed at `path`, does that only an edge may do: an HTTP library, the global fetch, a route. */
function httpIn(path: string, source: string, families: readonly string[]): string[] {
  // A family inside a literal, not as the tail of a longer path or word (`/chat` in `(https://x/chat)` is the host's).
  const route = new RegExp(`(?:^|[^\\w/.-])(${families.map(escape).join('|')})(?![\\w.-])`);
  const found = new Set<string>();
  const library = (specifier: ts.Node | undefined): void => {
    if (specifier && ts.isStringLiteral(specifier) && HTTP_LIBRARY.test(specifier.text)) {
      found.add(`imports ${specifier.text}`);
    }
  };
  const literal = (text: string): void => {
    const match = route.exec(text);
    if (match) found.add(`names the route ${match[1]} ("${text.trim()}")`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) library(node.moduleSpecifier);
    if (ts.isExternalModuleReference(node)) library(node.expression);
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const loads = callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');
      if (loads) library(node.arguments[0]);
      if (ts.isIdentifier(callee) && callee.text === 'fetch') found.add('calls fetch');
    }
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) literal(node.text);
    if (ts.isTemplateExpression(node)) {
      literal(node.head.text);
      for (const span of node.templateSpans) literal(span.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(parse(path, source));
  return [...found];
}

describe('the domain without HTTP', () => {
  const { routes, families } = appRoutes();

  it('no file of src/ but the composition root imports an HTTP library, calls fetch or names a route of the app', () => {
    const offenders = filesUnder('src')
      .filter((path) => path !== COMPOSITION_ROOT)
      .map((path) => [path, httpIn(path, read(path), families)] as const)
      .filter(([, found]) => found.length > 0)
      .map(([path, found]) => `${path}: ${found.join(', ')}`);
    expect(offenders).toEqual([]);
  });

  it("reads the app's routes from both edges and the shared plumbing", () => {
    // One route of each way of registering: a tsoa controller, a REST page, the chat edge (literal and constant).
    expect(routes).toEqual(
      expect.arrayContaining([
        '/v1/verify',
        '/health',
        '/api/messages',
        '/chat/',
        '/webhooks/whatsapp',
        '/v3/directline/conversations',
      ]),
    );
    expect(families).toEqual(
      expect.arrayContaining([
        '/v1/verify',
        '/v1/auth',
        '/v1/me',
        '/v3/directline',
        '/chat',
        '/conta',
        '/redefinir-senha',
        '/docs',
      ]),
    );
    // The composition root is the one exception, and it is there to be excepted.
    expect(filesUnder('src')).toContain(COMPOSITION_ROOT);
  });

  it.each(UNSEEN_FAMILIES)('%s, listed by hand (%s), is still named by an edge', (family) => {
    const edges = EDGES.flatMap((folder) => filesUnder(folder)).map(read);
    expect(edges.some((source) => source.includes(`'${family}`))).toBe(true);
  });

  it.each([
    ['src/documents/x.ts', 'const url = `${this.publicBaseUrl}/v1/verify/${token}`;', 'names the route /v1/verify'],
    ['src/accounts/x.ts', "export const UNDO_EMAIL_PAGE = '/conta/desfazer-email';", 'names the route /conta'],
    ['src/accounts/x.ts', 'const link = `${base}/redefinir-senha#token=${token}`;', 'names the route /redefinir-senha'],
    ['src/conversations/x.ts', 'const text = `entre no chat (${base}/chat) e diga "meus canais"`;', 'names the route /chat'],
    ['src/shared/x.ts', "const scope = 'POST /v1/cards/:id/recharge';", 'names the route /v1/cards'],
    ['src/shared/x.ts', "import http from 'node:http';", 'imports node:http'],
    ['src/shared/x.ts', "import type { IncomingHttpHeaders } from 'http';", 'imports http'],
    ['src/documents/x.ts', "import busboy from 'busboy';", 'imports busboy'],
    ['src/x.ts', "import type { Server } from 'restify';", 'imports restify'],
    ['src/x.ts', "const { request } = require('undici') as typeof Undici;", 'imports undici'],
    ['src/x.ts', "export { CloudAdapter } from 'botbuilder';", 'imports botbuilder'],
    ['src/x.ts', 'const answer = await fetch(url);', 'calls fetch'],
  ])('catches, in %s: %s', (path, source, expected) => {
    expect(httpIn(path, source, families).join('\n')).toContain(expected);
  });

  it.each([
    ['src/x.ts', 'new OTLPTraceExporter({ url: `${config.otlpEndpoint}/v1/traces` });'],
    ['src/db/x.ts', "readFileSync('/proc/sys/kernel/random/boot_id', 'utf8');"],
    ['src/x.ts', "const home = 'https://prefeitura.rio/chat';"],
    ['src/x.ts', "const type = 'text/chatter';"],
    ['src/x.ts', 'const text = \'Diga "meus canais" no chat da Prefeitura.\';'],
    ['src/x.ts', '// GET /v1/verify/{token} (a comment names no route)\nconst x = 1;'],
    ['src/x.ts', "import { createHash } from 'node:crypto';\nimport { Pool } from 'pg';"],
  ])('lets through, in %s: %s', (path, source) => {
    expect(httpIn(path, source, families)).toEqual([]);
  });
});
