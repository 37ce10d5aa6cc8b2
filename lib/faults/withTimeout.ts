/**
 * Resolves as `work` does, or rejects after `ms` with `timeoutError()` (by default an Error naming
 * `what`). The work itself is not stopped: give it a deadline of its own too.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string, timeoutError?: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError?.() ?? new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
