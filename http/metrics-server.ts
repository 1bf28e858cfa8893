import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { PROBLEM_MEDIA_TYPE, problemFor } from './problems';

/** Compares digests so neither the token's length nor its prefix leaks through timing. */
export function sameToken(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Whether a request carries `Authorization: Bearer <token>` (always, when no token is configured). */
export function hasMetricsToken(authorization: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  const header = authorization ?? '';
  return sameToken(header.startsWith('Bearer ') ? header.slice(7).trim() : '', token);
}

/** A running metrics endpoint of its own. */
export interface MetricsServer {
  /** The bound port (the configured one, or the one chosen for 0). */
  port: number;
  /** Where it answers, for the start-up banner. */
  url: string;
  close(): Promise<void>;
}

/**
 * `GET /metrics` alone, on a port of its own: for a process without the app's HTTP server (the separate worker).
 * Prometheus text exposition, the same token rule as the app's /metrics; anything else is a 404 problem.
 */
export async function startMetricsServer(options: {
  registry: Registry;
  token: string | undefined;
  host: string;
  port: number;
}): Promise<MetricsServer> {
  const { registry, token } = options;
  const problem = (res: ServerResponse, status: 401 | 404, extra: Record<string, string> = {}) => {
    const body = JSON.stringify(
      status === 401
        ? problemFor('unauthorized', 'Informe o token de acesso às métricas.')
        : problemFor('route-not-found', 'Este endereço só serve GET /metrics.'),
    );
    res.writeHead(status, { 'Content-Type': PROBLEM_MEDIA_TYPE, 'Content-Length': Buffer.byteLength(body), ...extra });
    res.end(body);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') return problem(res, 404);
    if (!hasMetricsToken(req.headers.authorization, token)) {
      return problem(res, 401, { 'WWW-Authenticate': 'Bearer realm="metrics"' });
    }
    registry.metrics().then(
      (text) => {
        const body = Buffer.from(text);
        res.writeHead(200, { 'Content-Type': registry.contentType, 'Content-Length': body.length, 'Cache-Control': 'no-store' });
        res.end(body);
      },
      () => {
        res.writeHead(500);
        res.end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
