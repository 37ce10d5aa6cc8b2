/**
 * How long a request waits for a re-read of something it already holds (an alias, the stored API
 * keys) before it goes on with the value last read: long enough for a healthy store (~1 ms), short
 * enough that a frozen one costs a request a quarter of a second, not its deadline.
 */
export const STALE_AFTER_MS = 250;

/** `fresh` if it settles within STALE_AFTER_MS, else `held` (a rejected `fresh` also gives `held`). */
export function freshOrHeld<T>(fresh: Promise<T>, held: T, onFailure?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(held), STALE_AFTER_MS);
  });
  const settled = fresh.catch(() => {
    onFailure?.();
    return held;
  });
  return Promise.race([settled, late]).finally(() => clearTimeout(timer));
}
