/** The alias that takes a weighted share of the default (production) traffic. */
export const CANARY_ALIAS = 'canary';

/** Why a traffic weight on another alias is refused (the API, a deploy step's config). */
export function weightOnlyOnCanary(alias: string): string {
  return `a traffic weight applies only to the '${CANARY_ALIAS}' alias, which takes that share of the requests naming no alias; '${alias}' is served only to requests that name it`;
}

/**
 * A number in [0, 1) fixed by the key: the same user (or request key) always lands on the same side
 * of a canary split, and keys spread evenly. FNV-1a over the UTF-16 code units, 32 bits.
 */
export function stableBucket(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32;
}
