/** Reads the `values` array a sampling step produced; a clear error if the upstream output is not one. */
export function upstreamValues(upstream: Record<string, unknown>, step: string): number[] {
  const output = upstream[step] as { values?: unknown } | null | undefined;
  if (!output || !Array.isArray(output.values) || !output.values.every((v) => typeof v === 'number')) {
    throw new TypeError(`upstream step '${step}' did not produce { values: number[] }`);
  }
  return output.values as number[];
}
