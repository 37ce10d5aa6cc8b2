import { createRequire } from 'node:module';
import { diag, DiagLogLevel, isSpanContextValid, trace, type Tracer } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { logger } from '../logger';

/** Tracing in this process: the tracer, and what the worker's workflow-span sink exports through. */
export interface Tracing {
  tracer: Tracer;
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Sends the spans still buffered and stops (a process's last step). */
  shutdown(): Promise<void>;
}

export interface TracingSettings {
  /** The OTLP/HTTP traces URL (a collector's /v1/traces). */
  url: string;
  headers: Record<string, string>;
  serviceName: string;
}

let current: Tracing | null = null;

/**
 * Starts OpenTelemetry tracing for this process, once (OpenTelemetry's provider is process-wide, so
 * is this): spans are batched and exported over OTLP/HTTP; a collector that is down loses spans, never
 * slows a request or a step (the batch is dropped, and the exporter's complaint is logged). With no
 * settings (no endpoint configured) tracing stays off and costs nothing: no middleware, no
 * interceptors.
 */
export async function startTracing(settings: TracingSettings | null): Promise<Tracing | null> {
  if (current || !settings) return current;
  // Loaded only when tracing is on: the SDK and its exporter are not free to import.
  const [{ OTLPTraceExporter }, { Resource }, { BatchSpanProcessor }, { NodeTracerProvider }] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/sdk-trace-node'),
  ]);
  diag.setLogger(
    { error: (message, ...args) => logger.warn({ args }, `tracing: ${message}`), warn: (message, ...args) => logger.warn({ args }, `tracing: ${message}`), info: () => {}, debug: () => {}, verbose: () => {} },
    DiagLogLevel.WARN,
  );
  const resource = new Resource({ 'service.name': settings.serviceName });
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url: settings.url, headers: settings.headers, timeoutMillis: 5_000 }), { scheduledDelayMillis: 1_000 });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // The global provider, AsyncLocalStorage context and W3C trace-context propagation (what the Temporal interceptors use).
  provider.register();
  const started: Tracing = {
    tracer: trace.getTracer('cairn'),
    spanProcessor,
    resource,
    shutdown: async () => {
      if (current === started) current = null;
      // A collector that is down at the end loses the last spans; the process still stops cleanly.
      await provider.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'tracing: the last spans could not be sent'));
    },
  };
  current = started;
  return started;
}

/** Tracing in this process, or null when it is off. */
export function currentTracing(): Tracing | null {
  return current;
}

/** The trace the caller is in (an API request starting a run), or null without one. */
export function activeTraceId(): string | null {
  const context = trace.getActiveSpan()?.spanContext();
  return context && isSpanContextValid(context) ? context.traceId : null;
}

/** The Temporal SDK's workflow-side interceptors, by module path: bundled into the workflow code of a traced worker. */
export function workflowInterceptorModule(): string {
  return createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');
}
