import { untilReachable } from './faults/untilReachable';
import { logger } from './logger';

/** The first line of a connection error: the Temporal core's messages run to several hundred characters. */
function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.slice(0, 300);
}

/**
 * Connects to Temporal, retried while it does not answer (1 s doubling to 30 s, each try logged with
 * the address and why), as a process started during a database outage waits for PostgreSQL: a worker
 * started before its Temporal (compose, Kubernetes, a cluster being upgraded) comes up with it
 * instead of exiting with a transport error. An error that is not Temporal being unreachable is
 * thrown at once, naming the address.
 */
export function whenTemporalReachable<T>(address: string, connect: () => Promise<T>, wait?: (ms: number) => Promise<unknown>): Promise<T> {
  return untilReachable(
    connect,
    (error, waitMs) => logger.warn({ address, reason: reason(error), waitMs }, `Temporal at ${address} (TEMPORAL_ADDRESS) does not answer; waiting for it`),
    (error) => {
      throw new Error(`cannot connect to Temporal at ${address} (TEMPORAL_ADDRESS): ${reason(error)}`, { cause: error });
    },
    wait,
  );
}
