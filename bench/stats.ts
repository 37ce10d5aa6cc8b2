/** Percentile by nearest rank on a copy of the samples. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** A RESULT line's figures: `key=value` pairs, space-separated. */
export const resultFigures = (figures: Record<string, number>) =>
  Object.entries(figures)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
