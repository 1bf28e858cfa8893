import type { Next, Request, Response, Server } from 'restify';
import { exemptFromGlobalRateLimit } from '../../http/routes';
import type { AppMetrics } from '../../src/shared/metrics';
import { problemFor } from '../../http/problems';
import { sendProblem } from '../../http/server';
import { hasMetricsToken } from '../../http/metrics-server';

/**
 * A `pre` handler recording every request's duration by route pattern (`/v1/cards/:id`: the raw path would make one
 * series per card) and status. Requests answered before routing (preflights, rate-limited ones) count as route `none`.
 */
export function recordRequestDurations(metrics: AppMetrics) {
  return function measureRequest(req: Request, res: Response, next: Next): void {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const route = req.getRoute?.()?.path;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observeRequest(req.method ?? 'unknown', route === undefined ? 'none' : String(route), res.statusCode, seconds);
    });
    next();
  };
}

/** `GET /metrics`: Prometheus text exposition; with a token configured, only for `Authorization: Bearer <token>`. */
export function registerMetrics(server: Server, metrics: AppMetrics, token: string | undefined): void {
  // Prometheus scrapes from one address and must never be told to back off.
  exemptFromGlobalRateLimit(server, { path: '/metrics' });
  server.get('/metrics', async function prometheusMetrics(req: Request, res: Response) {
    if (!hasMetricsToken(req.headers.authorization, token)) {
      sendProblem(req, res, problemFor('unauthorized', 'Informe o token de acesso às métricas.'), {
        'WWW-Authenticate': 'Bearer realm="metrics"',
      });
      return;
    }
    const body = Buffer.from(await metrics.registry.metrics());
    res.writeHead(200, {
      'Content-Type': metrics.registry.contentType,
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
    });
    res.end(body);
  });
}
