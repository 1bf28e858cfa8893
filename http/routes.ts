import type { Request, Response, Server } from 'restify';
import type { Problem } from './problems';

/**
 * Writes a route's problems in the route's own shape instead of problem+json (the OAuth token endpoint's error body);
 * returns false to leave a problem to the default problem+json answer.
 */
export type ProblemWriter = (res: Response, problem: Problem, headers: Record<string, string>) => boolean;

/** What an edge declared about one of its routes, for the server's shared steps to honour. */
interface RouteTraits {
  /** The route reads its own body as a stream: the body parser leaves it untouched. */
  streaming?: boolean;
  writeProblem?: ProblemWriter;
}

/**
 * Per server, by method and route pattern as registered (`PUT /v1/documents/:id/file`). Kept beside the server rather
 * than in one list so that each edge declares its own routes where it registers them, and several servers (tests,
 * two instances in one process) never see each other's.
 */
const traitsByServer = new WeakMap<Server, Map<string, RouteTraits>>();

function keyOf(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

function declare(server: Server, method: string, path: string, traits: RouteTraits): void {
  let routes = traitsByServer.get(server);
  if (!routes) {
    routes = new Map();
    traitsByServer.set(server, routes);
  }
  const key = keyOf(method, path);
  routes.set(key, { ...routes.get(key), ...traits });
}

/** The traits of the route a request was routed to (none before routing, or for an unknown route). */
function traitsOf(server: Server, req: Request): RouteTraits | undefined {
  const route = req.getRoute?.();
  if (!route) return undefined;
  return traitsByServer.get(server)?.get(keyOf(String(route.method), String(route.path)));
}

/**
 * Declares a route that reads its own request body as a stream (a file upload, a webhook signed over its exact
 * bytes): the JSON body parser leaves it alone, so an upload is never buffered whole before its size and type are
 * checked. `path` is the pattern exactly as the route was registered.
 */
export function streamingRoute(server: Server, method: string, path: string): void {
  declare(server, method, path, { streaming: true });
}

/** Whether the request was routed to a route declared with {@link streamingRoute}. */
export function isStreamingRoute(server: Server, req: Request): boolean {
  return traitsOf(server, req)?.streaming === true;
}

/** Declares that a route writes its problems its own way (see {@link ProblemWriter}). */
export function routeProblemWriter(server: Server, method: string, path: string, write: ProblemWriter): void {
  declare(server, method, path, { writeProblem: write });
}

/** The problem writer the request's route declared, if any. */
export function problemWriterOf(server: Server, req: Request): ProblemWriter | undefined {
  return traitsOf(server, req)?.writeProblem;
}
