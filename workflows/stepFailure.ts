import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { INFRASTRUCTURE_ERROR_TYPE, NON_RETRYABLE_ERROR_TYPES } from '../lib/errors';
import type { StepError } from '../lib/runContract/types';

/** Thrown inside the DAG when an operator aborts, so every branch stops. */
export class RunAborted extends Error {}

/** The step's own frames, as the worker sent them: at most 8 lines and 2,000 characters, so the run's state stays small. */
function trimmedStack(stack: string | undefined): string | undefined {
  const frames = (stack ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '));
  return frames.length > 0 ? frames.slice(0, 8).join('\n').slice(0, 2_000) : undefined;
}

/** A timeout as a person reads one: `250 ms`, `3 s`, `5 min`, `1 h`. */
function durationText(ms: number): string {
  const [unit, size] = ms >= 3_600_000 ? ['h', 3_600_000] : ms >= 60_000 ? ['min', 60_000] : ms >= 1_000 ? ['s', 1_000] : ['ms', 1];
  return `${Number((ms / size).toFixed(1))} ${unit}`;
}

/**
 * What a step's (or an item's) failure was, as its state shows it. With the step's timeout, a step
 * stopped at it says so in those words (Temporal's own text was "activity StartToClose timeout").
 */
export function describeFailure(error: unknown, startToCloseTimeoutMs?: number): StepError {
  const cause = error instanceof ActivityFailure ? (error.cause ?? error) : error;
  if (cause instanceof ApplicationFailure) {
    const type = cause.type ?? 'Error';
    const infrastructure = type === INFRASTRUCTURE_ERROR_TYPE;
    const stack = infrastructure ? undefined : trimmedStack(cause.stack);
    return { message: cause.message, type, nonRetryable: Boolean(cause.nonRetryable) || NON_RETRYABLE_ERROR_TYPES.includes(type), infrastructure, ...(stack ? { stack } : {}) };
  }
  if (cause instanceof TimeoutFailure) {
    // A missed heartbeat means the worker is gone (a step's own silence is reported by the worker as StepStalled).
    const lostWorker = cause.timeoutType === 'HEARTBEAT';
    const message = lostWorker
      ? 'the worker running the step stopped heartbeating (lost worker)'
      : cause.timeoutType === 'START_TO_CLOSE' && startToCloseTimeoutMs !== undefined
        ? `ran longer than its timeout (${durationText(startToCloseTimeoutMs)}) and was stopped; if it needs longer, raise the step's timeout option (START_TO_CLOSE)`
        : `${cause.message} (${cause.timeoutType})`;
    return { message, type: 'Timeout', nonRetryable: false, infrastructure: lostWorker };
  }
  return { message: cause instanceof Error ? cause.message : String(cause), type: 'Error', nonRetryable: false };
}
