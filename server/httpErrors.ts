import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ConfigError, OnnxRuntimeMissingError, ParamsError, PipelineDefinitionError } from '../lib/errors';
import { failedDependency, type Dependency } from '../lib/faults/dependencyFailure';
import { logger } from '../lib/logger';

/** An error the API answers with its own status and code; every error body has one shape. */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Seconds a client should wait before retrying a request refused because a dependency is down. */
export const RETRY_AFTER_SECONDS = 2;

/** 503 naming the dependency that did not answer; the client retries after Retry-After. */
export function dependencyUnavailable(dependency: Dependency, message: string): HttpError {
  return new HttpError(503, 'dependency_unavailable', message, { dependency, retryAfterSeconds: RETRY_AFTER_SECONDS });
}

export function storeUnavailable(message: string): HttpError {
  return dependencyUnavailable('postgres', `the metadata store (PostgreSQL) is unavailable: ${message}`);
}

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** Maps what routes throw to `{ error: { code, message, details } }`; never a stack trace. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  // The issues travel once, as details (a client that prints both would say each twice).
  if (error instanceof ParamsError) return new HttpError(422, 'invalid_params', `pipeline '${error.pipeline}': invalid params`, error.issues);
  if (error instanceof PipelineDefinitionError) return new HttpError(422, 'invalid_pipeline', error.message);
  // Before ConfigError: this server lacks an optional part (onnxruntime-node), the request is fine.
  if (error instanceof OnnxRuntimeMissingError) return new HttpError(501, 'onnx_runtime_missing', error.message);
  if (error instanceof ConfigError) return new HttpError(422, 'invalid_config', error.message);
  if (error instanceof WorkflowNotFoundError) return new HttpError(404, 'run_not_found', error.workflowId ? `no such run: ${error.workflowId}` : 'no such run');
  if (error instanceof WorkflowExecutionAlreadyStartedError) {
    return new HttpError(409, 'run_exists', `a run with id ${error.workflowId} already exists`);
  }
  if (error instanceof WorkflowUpdateFailedError) {
    // The workflow's validator rejected the request (e.g. the step is not awaiting an operator).
    return new HttpError(409, 'conflict', error.cause?.message ?? error.message);
  }
  const dependency = failedDependency(error);
  if (dependency === 'temporal') return dependencyUnavailable('temporal', `Temporal did not answer in time: ${(error as Error).message}`);
  if (dependency) return storeUnavailable((error as Error).message);
  return new HttpError(500, 'internal', 'internal error');
}

export function handleError(error: unknown, c: Context) {
  const httpError = toHttpError(error);
  // Only the unexpected is logged with its stack; answers the API chose itself are not errors of the server.
  if (!(error instanceof HttpError) && httpError.status >= 500) {
    const log = httpError.status === 503 ? logger.warn.bind(logger) : logger.error.bind(logger);
    log({ err: error, path: c.req.path, requestId: c.get('requestId') as string | undefined }, httpError.status === 503 ? 'dependency unavailable' : 'request failed');
  }
  if (httpError.status === 503) c.header('Retry-After', String(RETRY_AFTER_SECONDS));
  return c.json(errorBody(httpError.code, httpError.message, httpError.details), httpError.status);
}
