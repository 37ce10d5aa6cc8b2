/** Below this many values the engine's own typed-array sort is faster than four radix passes. */
const RADIX_THRESHOLD = 4_096;

/**
 * The finite values of `values`, sorted ascending. Missing values (NaN, null-as-NaN, ±Infinity) are
 * dropped: drift statistics compare the distributions of the values that are there, and the missing
 * rate is reported on its own. Sorting is a least-significant-digit radix sort over the IEEE-754
 * bits, about three times faster than Float64Array.prototype.sort on a million values, which is
 * what puts PSI + KS over 5 M cells/s (see bench/drift.ts).
 */
export function sortedFinite(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    // `+ 0` turns -0 into 0, so the bit order below agrees with numeric order.
    if (Number.isFinite(v)) out[n++] = v + 0;
  }
  const finite = n === out.length ? out : out.slice(0, n);
  if (n < RADIX_THRESHOLD) return finite.sort();
  radixSort(finite);
  return finite;
}

/** Sorts in place: maps each double to an unsigned 64-bit key with the same order, then 4 passes of 16 bits. */
function radixSort(values: Float64Array): void {
  const n = values.length;
  let keys: Uint32Array = new Uint32Array(values.buffer, values.byteOffset, n * 2); // [lo, hi] pairs, little-endian
  for (let i = 1; i < keys.length; i += 2) {
    const hi = keys[i] as number;
    if (hi & 0x80000000) {
      keys[i] = ~hi;
      keys[i - 1] = ~(keys[i - 1] as number);
    } else {
      keys[i] = hi | 0x80000000;
    }
  }
  const counts = new Uint32Array(4 * 65_536);
  for (let i = 0; i < n; i++) {
    const lo = keys[2 * i] as number;
    const hi = keys[2 * i + 1] as number;
    counts[lo & 0xffff]!++;
    counts[65_536 + (lo >>> 16)]!++;
    counts[131_072 + (hi & 0xffff)]!++;
    counts[196_608 + (hi >>> 16)]!++;
  }
  let spare: Uint32Array = new Uint32Array(n * 2);
  for (let pass = 0; pass < 4; pass++) {
    const base = pass * 65_536;
    const word = pass < 2 ? 0 : 1;
    const shift = pass % 2 === 0 ? 0 : 16;
    // A digit every key shares sorts nothing: skip the pass (typical for the exponent bits).
    if (counts[base + digitOf(keys[word] as number, shift)] === n) continue;
    let offset = 0;
    for (let d = 0; d < 65_536; d++) {
      const count = counts[base + d] as number;
      counts[base + d] = offset;
      offset += count;
    }
    for (let i = 0; i < n; i++) {
      const lo = keys[2 * i] as number;
      const hi = keys[2 * i + 1] as number;
      const at = 2 * counts[base + digitOf(word === 0 ? lo : hi, shift)]!++;
      spare[at] = lo;
      spare[at + 1] = hi;
    }
    [keys, spare] = [spare, keys];
  }
  for (let i = 1; i < keys.length; i += 2) {
    const hi = keys[i] as number;
    if (hi & 0x80000000) {
      keys[i] = hi & 0x7fffffff;
    } else {
      keys[i] = ~hi;
      keys[i - 1] = ~(keys[i - 1] as number);
    }
  }
  if (keys.buffer !== values.buffer) values.set(new Float64Array(keys.buffer, keys.byteOffset, n));
}

function digitOf(word: number, shift: number): number {
  return (word >>> shift) & 0xffff;
}
