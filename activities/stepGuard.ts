import { StepStalledError } from '../lib/errors';
import { runWithStrayErrorScope } from '../lib/faults/strayErrors';

export interface StepGuardOptions {
  /** The step, as named in errors and logs. */
  label: string;
  /** Aborted when the run is cancelled, the attempt times out or the worker shuts down. */
  signal: AbortSignal;
  /** How long a step may take to honour cancellation before it is abandoned. */
  cancelGraceMs: number;
  /** For a step that reports its own progress: silence longer than this fails it as stalled. */
  stallMs?: number;
}

/**
 * Runs one step so that it cannot hold its worker hostage: its stray errors (an unhandled rejection,
 * a throw in a timer) fail it; once cancelled it has `cancelGraceMs` to stop, then it is abandoned
 * (its promise is left to settle unobserved) and the attempt ends with the cancellation's reason; a
 * step that reports progress itself and goes silent for `stallMs` fails as stalled.
 * `run` receives the function that records progress.
 */
export function guardStep<T>(options: StepGuardOptions, run: (progress: () => void) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let lastProgress = Date.now();
    let graceTimer: NodeJS.Timeout | undefined;
    const stallMs = options.stallMs;
    const stallTimer =
      stallMs === undefined
        ? undefined
        : setInterval(() => {
            const silentMs = Date.now() - lastProgress;
            if (silentMs > stallMs) {
              settle(() => reject(new StepStalledError(`step '${options.label}' reported no progress for ${Math.round(silentMs / 1000)} s (its heartbeat timeout is ${Math.round(stallMs / 1000)} s)`)));
            }
          }, Math.max(50, Math.min(1_000, Math.floor(stallMs / 4))));
    const onAbort = () => {
      graceTimer = setTimeout(() => settle(() => reject(options.signal.reason as Error)), options.cancelGraceMs);
    };
    function settle(finish: () => void) {
      if (settled) return;
      settled = true;
      clearInterval(stallTimer);
      clearTimeout(graceTimer);
      options.signal.removeEventListener('abort', onAbort);
      finish();
    }
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });

    runWithStrayErrorScope(
      options.label,
      (error) => settle(() => reject(error)),
      () => {
        // Started inside the scope, so every timer and promise the step creates belongs to it; at
        // once, not a turn later (each promise costs a light step time).
        let running: Promise<T>;
        try {
          running = Promise.resolve(run(() => (lastProgress = Date.now())));
        } catch (error) {
          running = Promise.reject(error);
        }
        running.then(
          (value) => settle(() => resolve(value)),
          (error: unknown) => settle(() => reject(error)),
        );
      },
    );
  });
}
