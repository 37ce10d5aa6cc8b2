import type { Dependency } from './faults/dependencyFailure';

/**
 * Cairn's error classes. An error's `name` is its policy: Temporal turns a thrown error into an
 * ApplicationFailure whose type is that name, and every step lists the non-retryable names below,
 * so a bad row or a bad definition fails at once instead of burning retries.
 */
export class CairnError extends Error {
  override name = 'CairnError';
}

/** Bad data (a row, a column, a file): retrying cannot help. */
export class DataError extends CairnError {
  override name = 'DataError';
}

/** Bad configuration or definition (a pipeline, a step config, an env var): retrying cannot help. */
export class ConfigError extends CairnError {
  override name = 'ConfigError';
}

/** An ONNX model was asked for where onnxruntime-node is not installed: the API answers 501 with this message. */
export class OnnxRuntimeMissingError extends ConfigError {}

/** A run asked for something its starter's authority does not cover (or a spec the API did not issue): retrying cannot help. */
export class NotPermittedError extends CairnError {
  override name = 'NotPermitted';
}

/** A pipeline definition that does not compile: names the pipeline and the problem. */
export class PipelineDefinitionError extends ConfigError {
  override name = 'PipelineDefinitionError';
  constructor(
    readonly pipeline: string,
    problem: string,
  ) {
    super(`pipeline '${pipeline}': ${problem}`);
  }
}

/** Params that the pipeline's schema rejects; `issues` name each field. */
export class ParamsError extends ConfigError {
  override name = 'ParamsError';
  constructor(
    readonly pipeline: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(`pipeline '${pipeline}': invalid params: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
  }
}

/**
 * A dependency did not answer (connection refused or reset, a deadline exceeded, a worker shut down):
 * nothing the step did was wrong. The workflow retries these over a long window without counting
 * them against the step's attempts and without asking an operator.
 */
export class InfrastructureError extends CairnError {
  override name = 'InfrastructureError';
}

/** A named dependency (PostgreSQL, Temporal) did not answer in time; the API answers 503 naming it. */
export class DependencyUnavailableError extends InfrastructureError {
  constructor(
    readonly dependency: Dependency,
    cause: unknown,
  ) {
    super(`${dependency} is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** A step made no progress within its heartbeat timeout (it reports progress itself: `heartbeat: 'manual'`). */
export class StepStalledError extends CairnError {
  override name = 'StepStalled';
}

/** Error names that a step never retries. */
export const NON_RETRYABLE_ERROR_TYPES = ['DataError', 'ConfigError', 'PipelineDefinitionError', 'ParamsError', 'NotPermitted'];

/** Failures of infrastructure, by the type name the workflow sees. */
export const INFRASTRUCTURE_ERROR_TYPE = 'InfrastructureError';
