import { z } from 'zod';
import { parseDuration } from '../dsl/duration';

const share = z.number().gt(0).max(1);

/**
 * How a canary is judged and promoted (the `canary` option of a deploy step). Each stage gives the
 * candidate a share of production's traffic for `interval`, then compares it with production over
 * the same requests' time: rolled back as soon as one metric is worse with `confidence`, moved to the
 * next stage once every metric has `minSamples` on both sides and none is worse, promoted to
 * production after the last stage below 1.
 */
export const CanaryPolicySchema = z.strictObject({
  /** The candidate's traffic share at each stage, increasing; 1 (the end) is the promotion. */
  steps: z
    .array(share)
    .min(2)
    .default([0.1, 0.5, 1])
    .refine((steps) => steps.every((w, i) => i === 0 || w > (steps[i - 1] as number)), { message: 'steps must increase' })
    .refine((steps) => steps.at(-1) === 1, { message: 'the last step must be 1 (the promotion)' }),
  /** How long each stage runs before it is judged, such as '1h'. */
  interval: z
    .union([z.string(), z.number()])
    .refine((v) => (parseDuration(v) ?? 0) >= 1000, { message: "expected a duration of at least 1s, such as '1h'" })
    .default('1h'),
  /** Samples each side needs in a stage for a metric to count (labelled predictions for `feedback`, requests otherwise). */
  minSamples: z.number().int().min(2).default(100),
  /** How sure a test must be that the candidate is worse before it is rolled back (one-sided). */
  confidence: z.number().gt(0.5).lt(1).default(0.95),
  /** Intervals a stage may wait for `minSamples` before the candidate is rolled back for want of evidence. */
  maxWaits: z.number().int().min(0).default(24),
  metrics: z
    .strictObject({
      /** Feedback: accuracy (classification) may drop by at most `margin` (absolute); mean absolute error (regression) may grow by at most `margin` (relative). */
      feedback: z.strictObject({ margin: z.number().min(0).max(1).default(0.02) }).nullable().default({ margin: 0.02 }),
      /** The share of requests that failed may grow by at most `margin` (absolute). */
      errorRate: z.strictObject({ margin: z.number().min(0).max(1).default(0.01) }).nullable().default({ margin: 0.01 }),
      /** Server time per request (geometric mean) may grow by at most `margin` (relative). */
      latency: z.strictObject({ margin: z.number().min(0).default(0.25) }).nullable().default({ margin: 0.25 }),
      /** The candidate's predictions against production's: worse past this PSI, when the distributions also differ with `confidence`. */
      predictionDrift: z.strictObject({ psi: z.number().positive().default(0.2) }).nullable().default({ psi: 0.2 }),
    })
    .default({ feedback: { margin: 0.02 }, errorRate: { margin: 0.01 }, latency: { margin: 0.25 }, predictionDrift: { psi: 0.2 } }),
});
export type CanaryPolicy = z.output<typeof CanaryPolicySchema>;
export type CanaryPolicyInput = z.input<typeof CanaryPolicySchema>;
export type CanaryMetric = keyof CanaryPolicy['metrics'];
