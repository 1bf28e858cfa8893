import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { Next, Request, Response } from 'restify';
import { TRACER_NAME } from '../../src/shared/telemetry';

/**
 * A restify `pre` handler that opens one SERVER span per request (continuing a caller's W3C `traceparent`) and runs the
 * rest of the request inside it, so service and database spans become its children. Done here rather than with
 * instrumentation-http because that one has to patch `http` before restify is loaded, which jest's module registry
 * defeats. The span gets the route pattern (never the raw path with ids, nor the query string with tokens) and the
 * status once the response is finished. A no-op without a tracing SDK.
 */
export function traceRequests(req: Request, res: Response, next: Next): void {
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = trace
    .getTracer(TRACER_NAME)
    .startSpan(
      req.method ?? 'HTTP',
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'unknown' } },
      parent,
    );
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    const route = req.getRoute?.()?.path;
    if (route !== undefined) {
      span.setAttribute('http.route', String(route));
      span.updateName(`${req.method} ${String(route)}`);
    }
    if (req.meta?.requestId) span.setAttribute('app.request_id', req.meta.requestId);
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
  res.once('finish', end);
  res.once('close', end);
  context.with(trace.setSpan(parent, span), next);
}
