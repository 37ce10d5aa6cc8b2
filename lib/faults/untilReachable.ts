import { infrastructureBackoffMs } from './backoff';
import { failedDependency } from './dependencyFailure';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `connect` until it succeeds, waiting 1 s doubling to 30 s between tries while the failure is
 * a dependency not answering (told through `onWait`, for the log), so a process started during an
 * outage comes up with the dependency instead of exiting. Any other failure goes to `onOther`, which
 * throws it (as is, or named better).
 */
export async function untilReachable<T>(connect: () => Promise<T>, onWait: (error: unknown, waitMs: number) => void, onOther: (error: unknown) => never, wait: (ms: number) => Promise<unknown> = sleep): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await connect();
    } catch (error) {
      if (!failedDependency(error)) onOther(error);
      const waitMs = infrastructureBackoffMs(attempt);
      onWait(error, waitMs);
      await wait(waitMs);
    }
  }
}
