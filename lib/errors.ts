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

/** Error names that a step never retries. */
export const NON_RETRYABLE_ERROR_TYPES = ['DataError', 'ConfigError', 'PipelineDefinitionError', 'ParamsError'];
