import type { z } from 'zod';
import type { JsonValue } from '../lib/dsl/spec';
import { ConfigError } from '../lib/errors';

/**
 * The upstream step a stage works on and its output: the step named `from`, else the first upstream
 * step whose output fits `schema`. A clear ConfigError names what was expected otherwise.
 */
export function upstreamEntry<S extends z.ZodType>(upstream: Record<string, JsonValue | null>, schema: S, from: string | undefined, expected: string): { step: string; output: z.output<S> } {
  const names = Object.keys(upstream);
  const name = from ?? names.find((n) => schema.safeParse(upstream[n]).success);
  const parsed = schema.safeParse(name ? upstream[name] : undefined);
  if (!name || !parsed.success) {
    // A step skipped (by its `when`, an operator, or a skipped step before it) gave null: say so, and how to follow it.
    const empty = (from ? [from] : names).filter((n) => upstream[n] === null);
    const skipped = empty.length === 0 ? '' : `; ${empty.map((n) => `'${n}'`).join(', ')} gave nothing (skipped, or returned null): to skip this step along with a skipped one, give it whenUpstreamSkipped: 'skip'`;
    throw new ConfigError(`${from ? `upstream step '${from}' did not produce` : 'no upstream step produced'} ${expected}; upstream: ${names.join(', ') || 'none'}${skipped}`);
  }
  return { step: name, output: parsed.data };
}

/** The output of the upstream step a stage works on (see upstreamEntry). */
export function upstreamOutput<S extends z.ZodType>(upstream: Record<string, JsonValue | null>, schema: S, from: string | undefined, expected: string): z.output<S> {
  return upstreamEntry(upstream, schema, from, expected).output;
}
