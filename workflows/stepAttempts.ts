import type { StepSpec } from '../lib/dsl/spec';

/** How long a step is retried through infrastructure failures when its pipeline does not say. */
export const DEFAULT_INFRASTRUCTURE_RETRY_WINDOW_MS = 60 * 60_000;

/**
 * Temporal refuses a payload over 2 MiB (a step's input, the run's result), and a refused payload
 * fails the workflow task over and over: the run would stick. Past this size the workflow refuses
 * to send it and says so instead.
 */
export const MAX_WORKFLOW_PAYLOAD_BYTES = 1536 * 1024;

/** Wait before attempt `attempt + 1` of a failed step, by its retry policy. */
export function stepBackoffMs(retry: StepSpec['retry'], attempt: number): number {
  return Math.min(retry.maximumIntervalMs, retry.initialIntervalMs * retry.backoffCoefficient ** Math.max(0, attempt - 1));
}
