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

/**
 * Stops tracing as the last step of a graceful stop (the app's and the worker's): flushes the spans still buffered,
 * giving up at `deadline` (epoch ms) so the flush never runs into the process's hard stop (the OTLP exporter retries an
 * unreachable collector for up to 10 s). A collector that cannot be reached loses the spans, said on stderr, but fails
 * no stop: the process did stop cleanly, and exit code 1 would tell the orchestrator otherwise.
 */
export async function stopTracing(tracing: Tracing | null, deadline: number): Promise<void> {
  if (!tracing) return;
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<never>((_, reject) => {
    const ms = Math.max(deadline - Date.now(), 0);
    timer = setTimeout(() => reject(new Error(`the collector did not answer within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([tracing.shutdown(), giveUp]);
  } catch (error) {
    process.stderr.write(`Spans not flushed: ${error instanceof Error ? error.message : String(error)}\n`);
  } finally {
    clearTimeout(timer);
  }
}
