import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Attributes,
  type Link,
  type Span,
} from '@opentelemetry/api';
import { DefaultLogger, type LogContext, type LoggerOptions } from '@mikro-orm/core';
import { DomainError } from './errors';

/**
 * Tracing for the domain, through the OpenTelemetry API only: without a registered SDK (tests of other things, a
 * deployment without OTEL_EXPORTER_OTLP_ENDPOINT) every call here is a no-op. The SDK is set up at the edge
 * (src/telemetry-setup.ts). Attributes must never carry personal data: flow and state names, ids of operations and
 * outcome codes only.
 */

/** Name of the tracer every span of the application comes from. */
export const TRACER_NAME = 'carteira-digital-carioca';

/** Keeps the span status honest: a domain error (bad input, a rule) is recorded by code, an unexpected one as ERROR. */
function recordFailure(span: Span, error: unknown): void {
  if (error instanceof DomainError) {
    span.setAttribute('app.error_code', error.code);
    if (error.code === 'internal-error') span.setStatus({ code: SpanStatusCode.ERROR });
    return;
  }
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/** Runs `fn` in `span`, recording a failure on it, and ends the span when `fn` settles. */
async function inSpan<T>(span: Span, fn: (span: Span) => Promise<T>): Promise<T> {
  try {
    return await fn(span);
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Runs `fn` inside a new span named `name`, child of whatever span is active (the HTTP request, the bot turn), and ends
 * it when `fn` settles. `fn` receives the span to add attributes learnt on the way (the state a flow ended in).
 */
export async function traced<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, { attributes }, (span) => inSpan(span, fn));
}

/**
 * The active span's context as W3C trace-context fields (`traceparent`, `tracestate`), for work that outlives the
 * request (a queued job carries it in its data); null when no span is active or no SDK is registered.
 */
export function currentTraceContext(): Record<string, string> | null {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? carrier : null;
}

/**
 * Runs `fn` inside a new root span (a trace of its own: a job runs later, maybe elsewhere, and must not lengthen the
 * request's trace) that links to the span `origin` names (from {@link currentTraceContext}), when there is one, or to
 * each span of a list (a background run several requests asked for).
 */
export async function tracedLinked<T>(
  name: string,
  attributes: Attributes,
  origin: Record<string, string> | null | readonly Record<string, string>[],
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const links: Link[] = [];
  for (const carrier of Array.isArray(origin) ? origin : origin ? [origin] : []) {
    const linked = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, carrier));
    if (linked && trace.isSpanContextValid(linked)) links.push({ context: linked });
  }
  const options = { root: true, kind: SpanKind.CONSUMER, attributes, links };
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, options, (span) => inSpan(span, fn));
}

/** First word of a statement (`select`, `insert`, `begin`...): a low-cardinality span name with no values in it. */
function operationOf(query: string): string {
  const match = /^\s*(?:\/\*.*?\*\/\s*)?([a-zA-Z]+)/s.exec(query);
  return match ? match[1].toLowerCase() : 'query';
}

/**
 * Records a finished SQL statement as a CLIENT span under the active span, ending now and lasting `tookMs`. The text
 * must carry placeholders, never values: parameters hold personal data.
 */
export function recordQuerySpan(query: string, tookMs: number, failed: boolean): void {
  const end = Date.now();
  const operation = operationOf(query);
  const span = trace.getTracer(TRACER_NAME).startSpan(`db ${operation}`, {
    kind: SpanKind.CLIENT,
    startTime: end - tookMs,
    attributes: {
      'db.system.name': 'postgresql',
      'db.operation.name': operation,
      'db.query.text': query.slice(0, 2000),
    },
  });
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(end);
}

/**
 * MikroORM's logger, extended so every SQL statement the ORM runs becomes a CLIENT span under the active span. MikroORM
 * calls `logQuery` after each statement with its duration, on PGlite and PostgreSQL alike, so this needs no patching of
 * the `pg` module (which is unreliable under jest's module registry). Parameters are never recorded: they hold personal
 * data; the statement text uses placeholders.
 */
export class TracingQueryLogger extends DefaultLogger {
  constructor(options: LoggerOptions) {
    super(options);
  }

  /** Records the statement as a span, then lets the default logger decide whether to print it. */
  override logQuery(context: { query: string } & LogContext): void {
    recordQuerySpan(context.query, context.took ?? 0, context.level === 'error');
    super.logQuery(context);
  }
}
