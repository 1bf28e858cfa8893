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

/**
 * A path, and with `subtree` every path under it too (`/v3/directline` and `/v3/directline/...`). Matched against the
 * request's path before routing, so it is a plain path, not a route pattern.
 */
export interface PathScope {
  path: string;
  subtree?: boolean;
}

/** Paths of one server, split for the per-request lookup: exact ones in a set, subtrees in a short list. */
class PathSet<T> {
  private readonly exact = new Map<string, T>();
  private readonly subtrees: Array<[path: string, value: T]> = [];

  add({ path, subtree }: PathScope, value: T): void {
    this.exact.set(path, value);
    if (subtree) this.subtrees.push([`${path}/`, value]);
  }

  find(path: string): T | undefined {
    return this.exact.get(path) ?? this.subtrees.find(([prefix]) => path.startsWith(prefix))?.[1];
  }
}

/** What edges declared about their paths, read before routing by the protections every request goes through. */
interface PathTraits {
  rateLimitExempt: PathSet<true>;
  pagePolicies: PathSet<string>;
}

const pathTraitsByServer = new WeakMap<Server, PathTraits>();

function pathTraits(server: Server): PathTraits {
  let traits = pathTraitsByServer.get(server);
  if (!traits) {
    traits = { rateLimitExempt: new PathSet(), pagePolicies: new PathSet() };
    pathTraitsByServer.set(server, traits);
  }
  return traits;
}

/**
 * Declares paths outside the global per-address request budget (api/http/security.ts): the edge that registers them
 * knows why its clients must not be told to back off by it (a probe, a channel with its own budget or a few servers'
 * addresses). Read per request, so it may be declared after the protection was installed.
 */
export function exemptFromGlobalRateLimit(server: Server, scope: PathScope): void {
  pathTraits(server).rateLimitExempt.add(scope, true);
}

/** Whether the global rate limit skips this path (see {@link exemptFromGlobalRateLimit}). */
export function isGlobalRateLimitExempt(server: Server, path: string): boolean {
  return pathTraitsByServer.get(server)?.rateLimitExempt.find(path) === true;
}

/**
 * Declares the default Content-Security-Policy of a page the edge serves, for the responses under it that set none
 * (a redirect, an unknown asset); a response may still send its own. Other paths get the API's policy.
 */
export function pagePolicy(server: Server, scope: PathScope, policy: string): void {
  pathTraits(server).pagePolicies.add(scope, policy);
}

/** The page policy declared for this path (see {@link pagePolicy}), if any. */
export function pagePolicyOf(server: Server, path: string): string | undefined {
  return pathTraitsByServer.get(server)?.pagePolicies.find(path);
}
