import { z } from 'zod';

export const ScheduleViewSchema = z.object({
  scheduleId: z.string(),
  pipeline: z.string().nullable(),
  paused: z.boolean(),
  /** Why it was paused or unpaused, as recorded. */
  note: z.string().nullable(),
  nextRuns: z.array(z.string()),
  lastRun: z.object({ scheduledAt: z.string(), runId: z.string().nullable() }).nullable(),
});

/** A listed schedule: held by Temporal (with its state), or declared in definitions but not synced yet. */
export const ScheduleListSchema = z.object({
  schedules: z.array(
    z.union([
      ScheduleViewSchema.extend({ trigger: z.string().nullable(), inDefinitions: z.boolean() }),
      z.object({ scheduleId: z.string(), pipeline: z.string(), trigger: z.string(), inDefinitions: z.literal(true), synced: z.literal(false) }),
    ]),
  ),
});

export const SyncResultSchema = z.object({ created: z.array(z.string()), updated: z.array(z.string()), deleted: z.array(z.string()), unchanged: z.array(z.string()) });

export const NextFireTimesSchema = z.object({
  pipeline: z.string(),
  triggers: z.array(z.object({ name: z.string(), trigger: z.string(), timezone: z.string(), next: z.array(z.object({ at: z.string(), local: z.string() })) })),
});

export const TriggeredSchema = z.object({ scheduleId: z.string(), triggered: z.literal(true) });

export const BackfillSchema = z.object({ scheduleId: z.string(), start: z.string(), end: z.string() });
