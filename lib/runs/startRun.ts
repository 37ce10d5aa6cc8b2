import type { Client, WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes, WorkflowIdReusePolicy } from '@temporalio/common';
import { compile } from '../dsl/compile';
import type { Pipeline } from '../dsl/definePipeline';
import type { JsonObject, PipelineSpec } from '../dsl/spec';
import { CAIRN_PIPELINE, CAIRN_STATUS, CAIRN_TRIGGER } from '../searchAttributes';
import { runWorkflowId } from '../runIds';
import type { CachePolicy } from '../runContract/stepCache';
import { STARTED_BY_MEMO, TRACE_ID_MEMO, type RunInput, type RunPipelineWorkflow } from '../runContract/types';
import { activeTraceId } from '../tracing/tracing';
import { DIRECT_STARTER, signSpec, type Starter } from '../auth/runAuthority';

/**
 * Who asks for a run, and how its spec is signed: `startedBy` is the authority its steps act with
 * (recorded in the input and the memo); `specSecret` (CAIRN_SPEC_SECRET) signs each step's spec so
 * workers that hold it know the API issued it. The API always says who; a program that starts runs
 * with its own Temporal client is trusted as Temporal access itself is (DIRECT_STARTER), unless
 * workers hold a spec secret it lacks.
 */
export interface RunIssuer {
  startedBy: Starter;
  specSecret?: string | undefined;
}

export interface StartRunRequest extends Partial<RunIssuer> {
  pipeline: Pipeline;
  params?: unknown;
  trigger: string;
  /** Makes the workflow id; a repeated key for the same pipeline and trigger starts nothing new. */
  key?: string;
  logicalDate?: Date;
  taskQueue: string;
  /** The run's use of the step cache; 'use' when absent. */
  cache?: CachePolicy | undefined;
}

export interface StartedRun {
  runId: string;
  temporalRunId: string;
  pipeline: string;
  specHash: string;
  params: JsonObject;
  handle: WorkflowHandle<RunPipelineWorkflow>;
}

/** Validates params, compiles the pipeline and starts runPipeline with a meaningful id and search attributes. */
export async function startRun(client: Client, request: StartRunRequest): Promise<StartedRun> {
  const { spec, params } = compile(request.pipeline, request.params);
  return startCompiledRun(client, { ...request, spec, params });
}

export interface StartCompiledRunRequest extends Omit<StartRunRequest, 'pipeline' | 'params'> {
  spec: PipelineSpec;
  params: JsonObject;
  reuse?: RunInput['reuse'];
}

/** Starts runPipeline for a spec compiled earlier (a re-run keeps its original spec). */
export async function startCompiledRun(client: Client, request: StartCompiledRunRequest): Promise<StartedRun> {
  const { spec, params } = request;
  const workflowId = runWorkflowId(spec.pipeline, request.trigger, request.key);
  const startedBy = request.startedBy ?? DIRECT_STARTER;
  const input: RunInput = {
    spec,
    params,
    trigger: request.trigger,
    ...(request.logicalDate ? { logicalDate: request.logicalDate.toISOString() } : {}),
    ...(request.reuse ? { reuse: request.reuse } : {}),
    // Only set when it differs from the default, so a run's input reads as before.
    ...(request.cache && request.cache !== 'use' ? { cache: request.cache } : {}),
    startedBy,
    ...signaturesFor(request.specSecret, spec, startedBy),
  };
  const handle = await client.workflow.start<RunPipelineWorkflow>('runPipeline', {
    workflowId,
    taskQueue: request.taskQueue,
    // A key means "at most once": keep refusing it even after the first run has finished.
    ...(request.key ? { workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE } : {}),
    args: [input],
    // The trace id of the request that starts the run, so its page can name the trace to look up.
    memo: { [STARTED_BY_MEMO]: startedBy, ...traceMemo() },
    typedSearchAttributes: new TypedSearchAttributes([
      { key: CAIRN_PIPELINE, value: spec.pipeline },
      { key: CAIRN_TRIGGER, value: request.trigger },
      { key: CAIRN_STATUS, value: 'running' },
    ]),
    staticSummary: `${spec.pipeline} (${request.trigger}) ${JSON.stringify(params)}`.slice(0, 400),
  });
  return {
    runId: workflowId,
    temporalRunId: handle.firstExecutionRunId,
    pipeline: spec.pipeline,
    specHash: spec.hash,
    params,
    handle,
  };
}

/** The `signatures` field of a RunInput: present only when a spec secret is configured. */
export function signaturesFor(secret: string | undefined, spec: PipelineSpec, startedBy: Starter): Pick<RunInput, 'signatures'> {
  return secret ? { signatures: signSpec(secret, spec, startedBy) } : {};
}

function traceMemo(): Record<string, string> {
  const traceId = activeTraceId();
  return traceId ? { [TRACE_ID_MEMO]: traceId } : {};
}
