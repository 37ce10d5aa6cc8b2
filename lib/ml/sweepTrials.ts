import { z } from 'zod';
import type { JsonObject, JsonValue } from '../dsl/spec';
import { seededRandom } from '../seededRandom';

/** A hyperparameter's range for a random search: a list of values to pick from, or numbers between `min` and `max`. */
export const SweepRangeSchema = z.union([
  z.array(z.json()).min(1),
  z
    .strictObject({
      min: z.number(),
      max: z.number(),
      /** Drawn uniformly in log space (learning rates, penalties). */
      log: z.boolean().optional(),
      /** Whole numbers only (depths, rounds). */
      integer: z.boolean().optional(),
    })
    .refine((range) => range.max >= range.min, 'max must be at least min')
    .refine((range) => !range.log || range.min > 0, 'a log range must be above 0'),
]);

/** A sweep's search: every combination of listed values (a grid), or `trials` seeded random draws from ranges. */
export const SweepSearchSchema = z.union([
  z.strictObject({ grid: z.record(z.string(), z.array(z.json()).min(1)) }),
  z.strictObject({ random: z.record(z.string(), SweepRangeSchema), trials: z.number().int().min(1), seed: z.number().int().default(1) }),
]);
export type SweepSearch = z.input<typeof SweepSearchSchema>;

/** The most trials one sweep may declare: each is an item of its map, and listed in the registered version's lineage. */
export const MAX_SWEEP_TRIALS = 1_000;

/** The trials a search declares, in a fixed order: a grid's combinations (last key fastest), or the seeded draws. */
export function sweepTrials(search: SweepSearch): JsonObject[] {
  const parsed = SweepSearchSchema.parse(search);
  const trials = 'grid' in parsed ? gridTrials(parsed.grid) : randomTrials(parsed.random, parsed.trials, parsed.seed);
  if (trials.length > MAX_SWEEP_TRIALS) throw new RangeError(`the search declares ${trials.length} trials, over the ${MAX_SWEEP_TRIALS} one sweep runs`);
  return trials;
}

function gridTrials(grid: Record<string, JsonValue[]>): JsonObject[] {
  return Object.entries(grid).reduce<JsonObject[]>((trials, [name, values]) => trials.flatMap((trial) => values.map((value) => ({ ...trial, [name]: value }))), [{}]);
}

function randomTrials(ranges: Record<string, z.output<typeof SweepRangeSchema>>, count: number, seed: number): JsonObject[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () =>
    Object.fromEntries(
      Object.entries(ranges).map(([name, range]) => {
        if (Array.isArray(range)) return [name, range[Math.floor(random() * range.length)] as JsonValue];
        const u = random();
        const value = range.log ? Math.exp(Math.log(range.min) + u * (Math.log(range.max) - Math.log(range.min))) : range.min + u * (range.max - range.min);
        // Rounded to 6 significant digits: readable in lineage and CLI tables, and still distinct.
        return [name, range.integer ? Math.min(range.max, Math.floor(range.min + u * (range.max - range.min + 1))) : Number(value.toPrecision(6))];
      }),
    ),
  );
}
