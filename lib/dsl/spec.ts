import { z } from 'zod';

/**
 * The compiled, plain-JSON form of a pipeline: what the runPipeline workflow interprets. It never
 * holds code, so a run in flight is unaffected by later edits to definitions/.
 */
/** Where a map's items come from: a param (a list), or an upstream step's output (a list, or a list field of it). */
export const MapSourceSchema = z.union([
  z.strictObject({ param: z.string().min(1) }),
  /** Items written out in the definition (a sweep's trials). */
  z.strictObject({ items: z.array(z.json()).min(1) }),
  z.strictObject({ step: z.string().min(1), field: z.string().min(1).optional() }),
]);

/**
 * A step's `when`, compiled: it runs only when upstream step `step` gave `equals` (at `field`, a
 * dotted path, or as its whole output), or the run's param `param` is `equals` (at `field` within
 * it); with `notEquals` instead, anything but that value. Exactly one of `step` and `param`.
 */
export const StepConditionSchema = z.object({
  step: z.string().min(1).optional(),
  param: z.string().min(1).optional(),
  field: z.string().min(1).optional(),
  equals: z.json().optional(),
  notEquals: z.json().optional(),
});
export type StepCondition = z.infer<typeof StepConditionSchema>;

export const StepSpecSchema = z.object({
  name: z.string(),
  activity: z.string(),
  /** Upstream step names; every one of them comes earlier in `steps`. */
  after: z.array(z.string()),
  config: z.record(z.string(), z.json()),
  retry: z.object({
    maximumAttempts: z.number().int().min(1),
    initialIntervalMs: z.number().positive(),
    backoffCoefficient: z.number().min(1),
    maximumIntervalMs: z.number().positive(),
  }),
  startToCloseTimeoutMs: z.number().positive(),
  heartbeatTimeoutMs: z.number().positive().nullable(),
  /** Task queue for this step's activity; null runs it on the workflow's own queue. */
  taskQueue: z.string().nullable(),
  /** What to do when an upstream step was skipped by an operator: run with no output from it, or skip too. */
  whenUpstreamSkipped: z.enum(['run', 'skip']),
  /** A light step: run as a local activity in the workflow's worker. Absent for regular steps (and in specs compiled before it existed). */
  local: z.literal(true).optional(),
  /** A cacheable step (`cache: true`): its output may come from the step cache. Absent otherwise, so older specs keep their hashes. */
  cache: z.literal(true).optional(),
  /** Present when the step runs only on an upstream step's word (see lib/runContract/stepCondition.ts); absent otherwise, so other specs keep their hashes. */
  when: StepConditionSchema.optional(),
  /** Present when the step waits for an approval before it runs; absent in specs compiled before approvals existed. */
  approval: z.object({ timeoutMs: z.number().positive() }).optional(),
  /** Inside a mapped sub-pipeline: the item (an object) is merged over this step's config. Absent otherwise. */
  itemConfig: z.literal(true).optional(),
  /** Present for a mapped step: it runs once per item of a list (see lib/runContract/map.ts). */
  get map() {
    return MapSpecSchema.optional();
  },
});

/**
 * A dynamic map: the step (or, with `steps`, a sub-pipeline) runs once per item of a list known only
 * at run time, in batches run by child workflows so no run's history outgrows Temporal's limits.
 */
export const MapSpecSchema = z.object({
  over: MapSourceSchema,
  /** Items running at once, across every batch. */
  concurrency: z.number().int().min(1),
  /** The fraction of items that must succeed for the step to succeed (skipped and failed ones do not). */
  minSuccess: z.number().min(0).max(1),
  /** 'item': each execution gets the item as `input.item`; 'config': the item (an object) is merged over the step's config. */
  as: z.enum(['item', 'config']),
  /** A mapped sub-pipeline: its steps, topologically ordered (absent when the step itself is mapped). */
  get steps() {
    return z.array(StepSpecSchema).optional();
  },
  /** The sub-pipeline step whose output is each item's result; with several, an object of their outputs by name. */
  result: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
});

export const FailurePolicySchema = z.object({
  /** await_operator: a step that fails for good waits for retryStep/skipStep/abortRun; fail: the run fails at once. */
  mode: z.enum(['await_operator', 'fail']),
  operatorTimeoutMs: z.number().positive(),
  /**
   * How long a step keeps being retried through infrastructure failures (a lost worker, a dependency
   * down) before an operator is asked; absent means the workflow's default (1 h).
   */
  infrastructureRetryWindowMs: z.number().positive().optional(),
});

export const PipelineSpecSchema = z.object({
  specVersion: z.literal(1),
  pipeline: z.string(),
  description: z.string(),
  /** sha256 of the canonical JSON of everything else in the spec. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  onFailure: FailurePolicySchema,
  /** Topologically ordered. */
  steps: z.array(StepSpecSchema).min(1),
});

export type StepSpec = z.infer<typeof StepSpecSchema>;
export type MapSpec = z.infer<typeof MapSpecSchema>;
export type MapSource = z.infer<typeof MapSourceSchema>;
export type FailurePolicy = z.infer<typeof FailurePolicySchema>;
export type PipelineSpec = z.infer<typeof PipelineSpecSchema>;
export type JsonValue = z.infer<ReturnType<typeof z.json>>;
export type JsonObject = { [key: string]: JsonValue };
