import type { ClientInterceptors } from '@temporalio/client';
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import { makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor, OpenTelemetryWorkflowClientInterceptor, type OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry';
import { workflowInterceptorModule, type Tracing } from './tracing';

/**
 * The Temporal SDK's OpenTelemetry interceptors, as Cairn wires them: a client that starts a run
 * passes the caller's trace on in the workflow's headers; the workflow's spans (RunWorkflow,
 * StartActivity) leave the sandbox through a sink to this process's exporter; each activity's span
 * (RunActivity) continues the trace its scheduling carried. Imported only when tracing is on.
 */
export function tracingClientInterceptors(tracing: Tracing): ClientInterceptors {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor({ tracer: tracing.tracer })] };
}

export function tracingWorkerInterceptors(tracing: Tracing): WorkerInterceptors {
  return {
    client: tracingClientInterceptors(tracing),
    workflowModules: [workflowInterceptorModule()],
    activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer: tracing.tracer }), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
  };
}

export function tracingSinks(tracing: Tracing): InjectedSinks<OpenTelemetrySinks> {
  return { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) };
}
