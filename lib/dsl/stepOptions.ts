import { ID_PATTERNS } from '../ids';
import { z } from 'zod';
import { parseDuration } from './duration';

const duration = z.custom<number | string>((v) => parseDuration(v) !== undefined, {
  message: "expected a duration such as '30s', '5m', '2h', '7d' or a positive number of milliseconds",
});

/** Items of one map running at once, at most: each holds an activity slot on some worker. */
export const MAX_MAP_CONCURRENCY = 1_000;

/** The options every step may declare, apart from its activity, upstream steps and config. */
export const StepOptionsSchema = z.strictObject({
  retry: z
    .strictObject({
      /** Total attempts, the first included. */
      attempts: z.number().int().min(1).max(100).optional(),
      backoff: z
        .strictObject({
          initial: duration.optional(),
          coefficient: z.number().min(1).max(10).optional(),
          max: duration.optional(),
        })
        .optional(),
    })
    .optional(),
  /** Start-to-close timeout of one attempt. */
  timeout: duration.optional(),
  /** Heartbeat timeout: a worker that dies mid-step is noticed after this long. 'none' turns it off. */
  heartbeat: z.union([duration, z.literal('none')]).optional(),
  /** Logical task queue (e.g. 'train'); workers for it run `npm run worker -- --queue train`. */
  queue: z
    .string()
    .regex(ID_PATTERNS.pipeline, 'queue names are lower-case letters, digits and dashes')
    .optional(),
  whenUpstreamSkipped: z.enum(['run', 'skip']).optional(),
  /**
   * A quick step without I/O (the built-in noop is one by default): it runs as a Temporal local
   * activity in the workflow's own worker, a few milliseconds instead of a task-queue round trip, with
   * the same retries, timeout and operator actions. It cannot name a queue, and it does not heartbeat.
   */
  light: z.boolean().optional(),
  /**
   * Reuse this step's output from an earlier run when nothing it depends on changed: its code
   * version, config, upstream outputs and (for a source) the data it reads. A hit is used only once
   * every artifact it references is verified; see the README's "Step cache".
   */
  cache: z.boolean().optional(),
  /**
   * Run the step once per item of a list known only at run time: a param's (`{ param: 'regions' }`)
   * or an upstream step's output (`{ step: 'partitions', field: 'items' }`). See the README's "Dynamic map".
   */
  map: z
    .strictObject({
      over: z.union([
        z.strictObject({ param: z.string().min(1) }),
        z.strictObject({ items: z.array(z.json()).min(1) }),
        z.strictObject({ step: z.string().min(1), field: z.string().min(1).optional() }),
      ]),
      /** Items running at once, across the whole map (default 10). */
      concurrency: z.number().int().min(1).max(MAX_MAP_CONCURRENCY).optional(),
      /** The fraction of items that must succeed for the step to succeed (default 1: all). */
      minSuccess: z.number().min(0).max(1).optional(),
      /** 'item' (default): the item arrives as `input.item.value`; 'config': the item, an object, is merged over the step's config. */
      as: z.enum(['item', 'config']).optional(),
    })
    .optional(),
  /** A step inside a mapped sub-pipeline: the item (an object) is merged over its config, as a mapped step's `as: 'config'` does. */
  itemConfig: z.boolean().optional(),
  /**
   * Run the step only when an upstream step's output (or a param: `{ param: 'publish' }`) says so: `{ step: 'score', field: 'promote' }`
   * runs it when that field (a dotted path into the output) is true; `equals` compares with another
   * value instead (`{ step: 'size', field: 'tier', equals: 'large' }`), `notEquals` runs it on
   * anything but a value (a field the output lacks included), and without `field` the whole output
   * is compared. Otherwise the step is skipped, saying why, and the steps after it follow their
   * `whenUpstreamSkipped`. The step named must be one of its `after`.
   */
  when: z
    .strictObject({
      step: z.string().min(1).optional(),
      /** Instead of `step`: a param of the run (`{ param: 'publish' }`), read as it was given or defaulted. */
      param: z.string().min(1).optional(),
      field: z.string().regex(/^[^.]+(\.[^.]+)*$/, "a field is a name, or a dotted path such as 'gate.passed'").optional(),
      equals: z.json().optional(),
      notEquals: z.json().optional(),
    })
    .refine((when) => when.equals === undefined || when.notEquals === undefined, 'give equals or notEquals, not both')
    .refine((when) => (when.step === undefined) !== (when.param === undefined), 'name a step or a param (one of them)')
    .optional(),
  /** Wait for an approveStep / rejectStep Update before running; expires (failing the run) after `timeout`. */
  approval: z.union([z.literal(true), z.strictObject({ timeout: duration.optional() })]).optional(),
});

export type StepOptions = z.input<typeof StepOptionsSchema>;
export type StepOptionsOutput = z.output<typeof StepOptionsSchema>;

export const STEP_DEFAULTS = {
  mapConcurrency: 10,
  attempts: 3,
  initialBackoffMs: 1_000,
  backoffCoefficient: 2,
  maxBackoffMs: 60_000,
  timeoutMs: 60 * 60_000,
  heartbeatMs: 60_000,
  whenUpstreamSkipped: 'run',
  approvalTimeoutMs: 86_400_000,
} as const;

export const FailureOptionsSchema = z.strictObject({
  mode: z.enum(['await_operator', 'fail']).optional(),
  /** How long a failed step waits for an operator before the run fails. */
  operatorTimeout: duration.optional(),
  /** How long a step is retried through infrastructure failures (lost worker, dependency down) before an operator is asked. */
  infrastructureRetryWindow: duration.optional(),
});

export type FailureOptions = z.input<typeof FailureOptionsSchema>;
export const DEFAULT_OPERATOR_TIMEOUT_MS = 7 * 86_400_000;

export { duration as durationSchema };
