/**
 * How a long job tells its step that it is moving (rows read, bytes fetched, a phase begun). Built-in
 * stages pass their heartbeat here, so a stage that stops moving goes silent and its heartbeat
 * timeout catches it; a caller that does not care passes nothing.
 */
export type ReportProgress = (details?: Record<string, unknown>) => void;

export const ignoreProgress: ReportProgress = () => undefined;

/** How often work that cannot count its progress reports that it is still in flight. */
export const IN_FLIGHT_BEAT_MS = 1_000;

/**
 * Awaits `work`, reporting `details` every IN_FLIGHT_BEAT_MS while it is pending. Only for work that
 * has no counter of its own and is bounded by its own deadline (a DuckDB statement on a local file,
 * a database query with a query timeout): a promise that may never settle must not be wrapped, or its
 * silence would be covered up.
 */
export async function reportWhilePending<T>(progress: ReportProgress, details: Record<string, unknown>, work: Promise<T>): Promise<T> {
  if (progress === ignoreProgress) return work;
  const timer = setInterval(() => progress(details), IN_FLIGHT_BEAT_MS);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

/** Calls `progress` once every `every` counted items (a row loop's heartbeat without a call per row). */
export function everyNth(progress: ReportProgress, every: number, describe: (count: number) => Record<string, unknown>): (count: number) => void {
  return (count) => {
    if (count % every === 0) progress(describe(count));
  };
}

/**
 * Lets everything else the process does run (API requests, heartbeats, a cancellation) before the
 * caller goes on computing: CPU-bound loops (training rounds, scoring chunks) await it between
 * pieces of a few milliseconds, so a step that computes for seconds never stalls its process.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
