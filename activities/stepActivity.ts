import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { z } from 'zod';
import { isOutputRef, MAX_STEP_OUTPUT_BYTES, resolveOutputs, storeLargeOutput, travelsByReference } from '../lib/artifacts/outputRef';
import { UNKNOWN_STARTER, verifyStep } from '../lib/auth/runAuthority';
import type { AnyStepFunction, StepRuntime, StepServices } from '../lib/dsl/defineStep';
import type { StepInput, StepOutput } from '../lib/dsl/stepIo';
import { configWithItem } from '../lib/map/itemConfig';
import { ConfigError, DataError, InfrastructureError } from '../lib/errors';
import { failedDependency } from '../lib/faults/dependencyFailure';
import { toError } from '../lib/faults/toError';
import { logger } from '../lib/logger';
import { nonJsonAt } from '../lib/nonJson';
import { DEFAULT_STEP_LOG_MAX_LINES } from '../lib/logs/stepLogLine';
import { StepLogger } from '../lib/logs/stepLogger';
import { experimentRecorder } from '../lib/experiments/experimentRecorder';
import { datasetWriter } from '../lib/data/datasetWriter';
import { appendStepLogs } from '../lib/store/stepLogsTable';
import { stepDuration, stepRetries } from '../lib/metrics/metrics';
import { guardStep } from './stepGuard';

/**
 * How often a running step heartbeats on its own: a third of its heartbeat timeout, so one late
 * beat never times a healthy step out (the SDK throttles what reaches the server anyway).
 */
export function autoHeartbeatMs(heartbeatTimeoutMs: number | undefined): number {
  if (!heartbeatTimeoutMs) return 10_000;
  return Math.min(10_000, Math.max(50, Math.floor(heartbeatTimeoutMs / 3)));
}

/** The part of a failed attempt's stack kept in the step's log (the frames that matter come first). */
const STACK_CHARS = 4_000;

/** How long a cancelled step may take to stop before its attempt is abandoned (see guardStep). */
export const CANCEL_GRACE_MS = 5_000;

export type StepActivity = (input: StepInput) => Promise<StepOutput>;

/**
 * Turns a step function into a Temporal activity: refuses a step the API did not issue (when the
 * worker holds CAIRN_SPEC_SECRET), validates its config (non-retryable ConfigError
 * naming the field), resolves upstream outputs that travelled by reference, heartbeats while it runs
 * so a dead worker is noticed and cancellation reaches it, runs it guarded (guardStep), names what it
 * threw, tells a dependency being down (InfrastructureError: the workflow retries it without counting
 * an attempt) from a failure of the step, and sends a large output to the artifact store.
 */
export function toActivity(step: AnyStepFunction, services: StepServices): StepActivity {
  return async (input) => {
    const context = Context.current();
    let config: StepInput['config'];
    try {
      config = admittedConfig(step, services, input);
    } catch (thrown) {
      // Refused before it ran: classified like any failure, so the error's name stays its type.
      throw classify(thrown, context.cancellationSignal);
    }
    // The workflow counts step attempts itself (infrastructure failures do not count); older runs use Temporal's.
    const attempt = input.run.attempt ?? context.info.attempt;
    const labels = { pipeline: input.run.pipeline, step: input.run.step, activity: step.name };
    if (attempt > 1) stepRetries.inc({ pipeline: labels.pipeline, step: labels.step });
    const timing = stepDuration.startTimer(labels);
    // Liveness: the server learns this worker is alive; a manual step's own beats are its progress.
    // A local activity (a light step) has no heartbeat: the workflow's own worker runs it.
    const local = context.info.isLocal;
    const beat = (details?: unknown) => (local ? undefined : context.heartbeat(details));
    const timer = local ? undefined : setInterval(() => beat(), autoHeartbeatMs(context.info.heartbeatTimeoutMs));
    const stepLog = stepLogger(input, attempt, labels, services);
    const experiment = experimentRecorder({ pool: services.store?.pool, run: input.run, ...(input.item ? { itemIndex: input.item.index } : {}), attempt, step, startedAt: performance.now(), log: stepLog });
    let outcome = 'failed';
    try {
      // Awaited only when an output travelled by reference: a light step's time is mostly per-promise costs.
      const upstream = Object.values(input.upstream).some(isOutputRef) ? await resolveOutputs(input.upstream, services.artifacts) : input.upstream;
      const output = await guardStep(
        {
          label: input.run.step,
          signal: context.cancellationSignal,
          cancelGraceMs: CANCEL_GRACE_MS,
          stallMs: step.heartbeat === 'manual' ? context.info.heartbeatTimeoutMs || undefined : undefined,
        },
        (progress) => {
          const heartbeat = (details?: unknown) => {
            progress();
            beat(details);
          };
          // Built when called: most steps never write a dataset, and light steps pay for every allocation.
          const writeDataset: StepRuntime['writeDataset'] = (rows, options) =>
            datasetWriter({ artifacts: services.artifacts, pool: services.store?.pool, run: input.run, ...(input.item ? { itemIndex: input.item.index } : {}), log: stepLog, progress: heartbeat, signal: context.cancellationSignal })(rows, options);
          return Promise.resolve(
            step.run({ ...input, config, upstream }, { ...services, heartbeat, signal: context.cancellationSignal, attempt, log: stepLog, experiment, writeDataset }),
          );
        },
      );
      const checked = checkOutput(step, input.run.step, output);
      const stored = travelsByReference(checked.bytes) ? await storeLargeOutput(checked.json, services.artifacts) : checked.output;
      outcome = 'succeeded';
      return stored;
    } catch (thrown) {
      if (context.cancellationSignal.aborted) outcome = 'cancelled';
      const failure = classify(thrown, context.cancellationSignal);
      // The attempt's end goes into the step's log with the stack, which the run's state leaves out
      // (the worker's own log has it already, from the SDK).
      const error = toError(thrown);
      stepLog.keep('error', `attempt ${attempt} ${outcome}: ${failure.message}`, { type: failure instanceof ApplicationFailure ? failure.type : failure.name, ...(error.stack ? { stack: error.stack.slice(0, STACK_CHARS) } : {}) });
      throw failure;
    } finally {
      clearInterval(timer);
      const closing = stepLog.close();
      if (closing) await closing;
      const seconds = timing({ outcome });
      logger.info({ runId: input.run.runId, pipeline: labels.pipeline, step: labels.step, activity: step.name, attempt, outcome, ms: Math.round(seconds * 1000) }, 'step execution');
    }
  };
}

/** The step's logger: the worker's log, and the store's step_logs when the worker has a store. */
function stepLogger(input: StepInput, attempt: number, labels: { pipeline: string; step: string; activity: string }, services: StepServices): StepLogger {
  const pool = services.store?.pool;
  return new StepLogger({
    attempt,
    workerLog: logger,
    bindings: { runId: input.run.runId, ...labels, attempt },
    sink: pool ? (lines) => appendStepLogs(pool, { runId: input.run.runId, step: input.run.step, lines, maxLines: services.stepLogMaxLines ?? DEFAULT_STEP_LOG_MAX_LINES }) : undefined,
  });
}

/**
 * Whether this worker may run the step, before anything runs: the API's signature (with a spec
 * secret), the store it needs, and its config, parsed (a non-retryable error naming what is wrong).
 */
function admittedConfig(step: AnyStepFunction, services: StepServices, input: StepInput): StepInput['config'] {
  verifyStep(
    services.authority,
    { pipeline: input.run.pipeline, step: input.run.step, activity: step.name, config: input.config, startedBy: input.run.startedBy ?? UNKNOWN_STARTER },
    input.run.signature,
  );
  if (step.needsStore && !services.store) {
    throw new ConfigError(`step '${input.run.step}' (${step.name}) records to the metadata store, and this worker has none: run it with DATABASE_URL (or under cairn dev)`);
  }
  const config = configWithItem(input);
  if (!step.config) return config;
  const parsed = step.config.safeParse(config);
  if (!parsed.success) {
    const fromItem = input.item?.as === 'config' ? ` (with item ${input.item.index} merged over it)` : '';
    const problems = parsed.error.issues.map((i) => `config.${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`step '${input.run.step}' (${step.name})${fromItem}: ${problems}`);
  }
  return parsed.data;
}


/**
 * What the workflow should see. A shut-down worker or an unavailable dependency is infrastructure;
 * anything else keeps its error's `name` as the failure's type (the SDK would take the class name,
 * so a subclass or a plain object thrown with a `name` would lose its retry policy).
 */
function classify(thrown: unknown, signal: AbortSignal): Error {
  const error = toError(thrown);
  if (signal.aborted && signal.reason instanceof CancelledFailure && signal.reason.message === 'WORKER_SHUTDOWN') {
    return asFailure(new InfrastructureError('the worker shut down while the step ran', { cause: error }));
  }
  if (error instanceof ApplicationFailure || error instanceof CancelledFailure) return error;
  const dependency = error instanceof DataError || error instanceof ConfigError ? undefined : failedDependency(error);
  if (dependency) return asFailure(new InfrastructureError(`${dependency} did not answer: ${error.message}`, { cause: error }));
  return asFailure(error);
}

function asFailure(error: Error): ApplicationFailure {
  const failure = ApplicationFailure.create({
    message: error.message,
    type: error.name && error.name !== 'Error' ? error.name : error.constructor.name,
    cause: error.cause instanceof Error ? error.cause : undefined,
  });
  failure.stack = error.stack ?? '';
  return failure;
}

/** Built once: building zod's recursive JSON schema costs about 70 µs, a tenth of a light step. */
const PLAIN_JSON = z.json();

/** zod's JSON schema accepts an object that contains itself; JSON.stringify then throws a TypeError, which would be retried. */
function stringifyOutput(output: StepOutput, stepName: string): string {
  try {
    return JSON.stringify(output);
  } catch (error) {
    throw new ConfigError(`step '${stepName}' returned a value that is not plain JSON: ${nonJsonAt(output, 'output') ?? (error as Error).message}`);
  }
}

/** The step's output if it keeps the step's word (plain JSON, its declared schema, the size cap), with its JSON and size. */
function checkOutput(step: AnyStepFunction, stepName: string, given: StepOutput | undefined): { output: StepOutput; json: string; bytes: number } {
  if (given === undefined) return { output: null, json: 'null', bytes: 4 };
  let output = given;
  if (!PLAIN_JSON.safeParse(output).success) {
    const problem = nonJsonAt(output, 'output');
    if (problem) throw new ConfigError(`step '${stepName}' returned a value that is not plain JSON: ${problem}`);
    // Only properties set to undefined (an optional field left unset): they are dropped, as JSON does.
    output = JSON.parse(JSON.stringify(output)) as StepOutput;
  }
  // A step that declares its output keeps its word: downstream steps read it typed by that schema.
  const declared = (step.output as z.ZodType | undefined)?.safeParse(output);
  if (declared && !declared.success) {
    const problems = declared.error.issues.map((i) => `output.${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`step '${stepName}' (${step.name}) returned an output that does not fit what it declares: ${problems}`);
  }
  const text = stringifyOutput(output, stepName);
  const size = Buffer.byteLength(text);
  if (size > MAX_STEP_OUTPUT_BYTES) {
    throw new ConfigError(
      `step '${stepName}' returned ${size} bytes; outputs are capped at ${MAX_STEP_OUTPUT_BYTES}: store data as an artifact and return its reference`,
    );
  }
  return { output, json: text, bytes: size };
}
