import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { ObservabilityConfig } from './config';

/** The registered tracing SDK; `shutdown` flushes the spans still buffered (call it last when stopping). */
export interface Tracing {
  provider: NodeTracerProvider;
  shutdown(): Promise<void>;
}

/**
 * Registers the OpenTelemetry SDK for this process: the W3C trace-context propagator, the AsyncLocalStorage context
 * manager (so the active span follows a request through every `await`) and one span processor. Spans go over OTLP/HTTP
 * to `OTEL_EXPORTER_OTLP_ENDPOINT` in batches; `exporter` replaces that (tests use an in-memory one, exported as soon as
 * each span ends). With neither, nothing is registered and the API stays a no-op: tracing costs nothing when unused.
 */
export function startTracing(config: ObservabilityConfig, exporter?: SpanExporter): Tracing | null {
  if (!exporter && !config.otlpEndpoint) return null;
  const processor = exporter
    ? new SimpleSpanProcessor(exporter)
    : new BatchSpanProcessor(new OTLPTraceExporter({ url: `${config.otlpEndpoint}/v1/traces` }));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }),
    spanProcessors: [processor],
  });
  provider.register();
  return { provider, shutdown: () => provider.shutdown() };
}
