import { z } from 'zod';

/** A pipeline as the API describes it: its params as JSON Schema, its steps and their order. */
export const PipelineDescriptionSchema = z.object({
  id: z.string(),
  description: z.string().optional(),
  params: z.record(z.string(), z.unknown()),
  steps: z.array(
    z.object({
      name: z.string(),
      activity: z.string(),
      after: z.array(z.string()),
      queue: z.string().nullable(),
      /** The step runs only when upstream step `step` gave `equals` at `field`, or anything but `notEquals` (see the step option `when`); null when it always runs. */
      when: z
        .object({
          step: z.string().optional(),
          param: z.string().optional(),
          field: z.string().optional(),
          // Any JSON value; z.json() is recursive, and its JSON Schema's $defs have no place in the OpenAPI document.
          equals: z.unknown().optional(),
          /** Instead of equals: the step runs on anything but this value. */
          notEquals: z.unknown().optional(),
        })
        .nullable(),
      /** A built-in stage's one-line summary, from its contract. */
      summary: z.string().nullable(),
      /** What the step outputs, as JSON Schema: a stage's contract, or the output a defineStep declares; null when undeclared. */
      output: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
  /** What starts it besides a manual run: schedules (cron, interval, drift watcher) and events. */
  triggers: z.array(z.object({ kind: z.enum(['cron', 'interval', 'drift', 'event']), schedule: z.string().nullable(), summary: z.string() })),
});

export const PipelineListSchema = z.object({ pipelines: z.array(PipelineDescriptionSchema) });
