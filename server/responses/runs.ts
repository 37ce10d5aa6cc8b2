import { z } from 'zod';
import { ArtifactRefSchema } from '../../lib/artifacts/artifactRef';
import { StarterSchema } from '../../lib/auth/runAuthority';
import { StepLogLineSchema } from '../../lib/logs/stepLogLine';
import { RUN_STATUSES } from '../../lib/runs/listRuns';
import type { MapProgress } from '../../lib/runContract/map';

// The answers of the run routes, as the wire carries them (times are ISO strings). Each handler's
// c.json(...) is checked against these by TypeScript, and a test checks every route's real answer.

export const RunStatusSchema = z.enum(RUN_STATUSES);
const StepStatusSchema = z.enum(['pending', 'awaiting_approval', 'running', 'awaiting_operator', 'succeeded', 'failed', 'skipped', 'cancelled']);

export const RunLinksSchema = z.object({
  self: z.string(),
  /** The run's page (graph, timeline, logs, actions), on this API's origin. */
  page: z.string(),
  /** The run in the Temporal Web UI, when its address is known. */
  web: z.string().nullable(),
});

const StepErrorSchema = z.object({
  message: z.string(),
  type: z.string(),
  nonRetryable: z.boolean(),
  infrastructure: z.boolean().optional(),
  stack: z.string().optional(),
});

/** A mapped step's items (lib/runContract/map.ts's MapProgress, which TypeScript holds this to). */
const MapProgressSchema = z.object({
  total: z.number().int(),
  concurrency: z.number().int(),
  minSuccess: z.number(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  cancelled: z.number().int().optional(),
  awaitingOperator: z.number().int(),
  inFlight: z.number().int(),
  batches: z.object({ done: z.number().int(), running: z.number().int() }),
  items: z.array(
    z.object({
      index: z.number().int(),
      status: z.enum(['pending', 'running', 'awaiting_operator', 'failed', 'skipped', 'cancelled']),
      round: z.number().int(),
      error: StepErrorSchema.nullable(),
      operatorNotes: z.array(z.string()),
    }),
  ),
  itemsNotListed: z.number().int(),
}) satisfies z.ZodType<MapProgress>;

export const StepStateSchema = z.object({
  name: z.string(),
  activity: z.string(),
  status: StepStatusSchema,
  round: z.number().int(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: StepErrorSchema.nullable(),
  // Any JSON the step returned (a large one as the artifact reference it travelled as).
  output: z.unknown(),
  operatorNotes: z.array(z.string()),
  reusedFrom: z.string().nullable(),
  attempts: z.number().int().optional(),
  infrastructureRetries: z.number().int().optional(),
  activityId: z.string().nullable().optional(),
  /** A light step, run as a local activity. */
  local: z.boolean().optional(),
  /** The output came from the step cache: the run that produced it (the step did not execute). */
  cachedFrom: z.string().optional(),
  /** A cacheable step that executed: why the cache had nothing usable. */
  cacheMiss: z.string().optional(),
  /** A mapped step: its items' progress. */
  map: MapProgressSchema.optional(),
});

export const RunViewSchema = z.object({
  runId: z.string(),
  temporalRunId: z.string(),
  pipeline: z.string().nullable(),
  trigger: z.string().nullable(),
  status: RunStatusSchema,
  temporalStatus: z.string(),
  startTime: z.string(),
  closeTime: z.string().nullable(),
  logicalDate: z.string().nullable(),
  specHash: z.string().nullable(),
  abortReason: z.string().nullable(),
  startedBy: StarterSchema.nullable(),
  /** The OpenTelemetry trace the run was started in (API request, workflow, steps); null when tracing was off. */
  traceId: z.string().nullable(),
  /** null when no worker answered the run's state query (then `stepsUnavailable` says why). */
  steps: z
    .array(
      StepStateSchema.extend({
        attempt: z.number().int().nullable(),
        lastFailure: z.string().nullable(),
        // Running, but waiting in its task queue for a worker: since when, which queue, how many workers poll it.
        queued: z.object({ since: z.string(), taskQueue: z.string(), queue: z.string().nullable(), workersPolling: z.number().int(), lastPollAt: z.string().nullable() }).nullable(),
      }),
    )
    .nullable(),
  stepsUnavailable: z.string().optional(),
  links: RunLinksSchema,
});

export const RunListSchema = z.object({
  runs: z.array(
    z.object({
      runId: z.string(),
      pipeline: z.string().nullable(),
      trigger: z.string().nullable(),
      status: RunStatusSchema,
      startTime: z.string(),
      closeTime: z.string().nullable(),
    }),
  ),
});

export const RunArtifactsSchema = z.object({
  runId: z.string(),
  artifacts: z.array(ArtifactRefSchema.extend({ runId: z.string(), step: z.string(), name: z.string(), createdAt: z.string() })),
});

export const StepLogsSchema = z.object({
  runId: z.string(),
  /** The step asked for; null for the whole run. */
  step: z.string().nullable(),
  lines: z.array(StepLogLineSchema),
  /** Per step, how many of its oldest lines were trimmed (CAIRN_STEP_LOG_MAX_LINES). */
  trimmed: z.record(z.string(), z.number().int()),
  /** Pass as `after` to read the lines that come next. */
  next: z.number().int(),
});

export const StepDecisionSchema = z.object({ runId: z.string(), step: StepStateSchema });

export const AbortingSchema = z.object({ runId: z.string(), status: z.literal('aborting'), abortReason: z.string().nullable() });

export const CancellingSchema = z.object({ runId: z.string(), status: z.literal('cancelling') });

export const StartedRunSchema = z.object({
  runId: z.string(),
  temporalRunId: z.string(),
  pipeline: z.string(),
  specHash: z.string(),
  params: z.record(z.string(), z.unknown()),
  links: RunLinksSchema,
});

export const RerunSchema = StartedRunSchema.extend({
  rerunOf: z.string(),
  /** Steps whose outputs came from the original run. */
  reused: z.array(z.string()),
  /** Steps the new run executes. */
  rerun: z.array(z.string()),
});

export const RunNotificationsSchema = z.object({
  runId: z.string(),
  deliveries: z.array(
    z.object({
      eventId: z.string(),
      target: z.string(),
      kind: z.string(),
      runId: z.string().nullable(),
      state: z.enum(['delivering', 'delivered', 'refused']),
      attempts: z.number().int(),
      lastStatus: z.number().int().nullable(),
      lastError: z.string().nullable(),
      updatedAt: z.string(),
      deliveredAt: z.string().nullable(),
    }),
  ),
});

export const RunTimelineSchema = z.object({
  runId: z.string(),
  /** Each step of the run's spec and the steps it runs after. */
  graph: z.array(z.object({ step: z.string(), after: z.array(z.string()) })),
  /** One entry per execution of a step, in the order they were scheduled. */
  attempts: z.array(
    z.object({
      step: z.string(),
      round: z.number().int(),
      execution: z.number().int(),
      source: z.enum(['history', 'state']),
      scheduledAt: z.string(),
      startedAt: z.string().nullable(),
      closedAt: z.string().nullable(),
      outcome: z.enum(['scheduled', 'running', 'succeeded', 'failed', 'timed_out', 'cancelled']),
      failure: z.string().nullable(),
    }),
  ),
});
