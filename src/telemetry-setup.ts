import type * as OtlpHttp from '@opentelemetry/exporter-trace-otlp-http';
import type * as Resources from '@opentelemetry/resources';
import type * as SdkTraceNode from '@opentelemetry/sdk-trace-node';
import type { NodeTracerProvider, SpanExporter } from '@opentelemetry/sdk-trace-node';
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
 * each span ends). With neither, nothing is registered and the API stays a no-op: tracing costs nothing when unused,
 * and the SDK is not even loaded (its modules would stay in the heap of every process).
 */
export function startTracing(config: ObservabilityConfig, exporter?: SpanExporter): Tracing | null {
  if (!exporter && !config.otlpEndpoint) return null;
  // require, not import(): the same (CommonJS) copies the rest of the app and the tests load.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpHttp;
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof Resources;
  const { BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor } =
    require('@opentelemetry/sdk-trace-node') as typeof SdkTraceNode;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const processor = exporter
    ? new SimpleSpanProcessor(exporter)
    : new BatchSpanProcessor(new OTLPTraceExporter({ url: `${config.otlpEndpoint}/v1/traces` }));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    spanProcessors: [processor],
  });
  provider.register();
  return { provider, shutdown: () => provider.shutdown() };
}
