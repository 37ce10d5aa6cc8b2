import type { z } from 'zod';
import { ConfigError } from '../errors';
import { stageOf, type STAGES, type StageName } from '../stages';
import type { StageContract } from '../stages/contract';
import type { JsonValue } from './spec';
import type { StepInput } from './stepIo';

/** Whatever produced an upstream output: a built-in stage (by name or contract) or a step from defineStep. */
type Producer = StageName | { readonly name: string; readonly output: z.ZodType | undefined };

/** The type of what a producer outputs: its output schema's, or any JSON when it declares none. */
export type OutputOf<P extends Producer> = P extends StageName
  ? (typeof STAGES)[P] extends StageContract<z.ZodType, infer O>
    ? z.output<O>
    : never
  : P extends { readonly output: infer O }
    ? O extends z.ZodType
      ? z.output<O>
      : JsonValue
    : never;

/**
 * An upstream step's output, typed by what produced it: `outputOf(upstream, 'sample', sampleMeasurements)`
 * or `outputOf(upstream, 'data', 'ingest')`. The producer is passed by reference, so the type follows
 * its output schema; at run time the output is checked against that schema, and a step that is not
 * upstream, was skipped, or produced something else is a ConfigError naming it.
 */
export function outputOf<P extends Producer>(upstream: StepInput['upstream'], step: string, producer: P): OutputOf<P> {
  const label = typeof producer === 'string' ? `the ${producer} stage` : `step function '${producer.name}'`;
  if (!Object.hasOwn(upstream, step)) {
    throw new ConfigError(`'${step}' is not an upstream step of this one (add it to \`after\`); upstream: ${Object.keys(upstream).join(', ') || 'none'}`);
  }
  const value = upstream[step];
  if (value === null || value === undefined) throw new ConfigError(`upstream step '${step}' was skipped: it has no output to read`);
  const schema = typeof producer === 'string' ? stageOf(producer)?.output : producer.output;
  if (!schema) return value as OutputOf<P>;
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i: z.core.$ZodIssue) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ConfigError(`upstream step '${step}' did not produce what ${label} outputs: ${problems}`);
  }
  return parsed.data as OutputOf<P>;
}
