import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Niceness of stage threads: below the API, the workers' event loops and the Temporal dev server. */
export const STAGE_THREAD_NICENESS = 10;

/**
 * Lowers the calling thread's CPU priority, on Linux, where a thread has an id of its own that
 * setpriority(2) accepts (/proc/thread-self names it). Training then takes the CPU the API and the
 * workers' event loops leave, rather than competing with them for it. Elsewhere, or when the system
 * refuses, nothing changes: a thread at normal priority still works.
 */
export function lowerThreadPriority(niceness = STAGE_THREAD_NICENESS): boolean {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(threadId) || threadId <= 0) return false;
    setPriority(threadId, niceness);
    return true;
  } catch {
    return false;
  }
}
