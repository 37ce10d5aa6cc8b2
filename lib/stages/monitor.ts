import { z } from 'zod';
import { DriftThresholdsSchema } from '../drift/driftReport';
import { AliasNameSchema, ModelNameSchema } from '../registry/names';
import { defineStageContract } from './contract';

export const monitorStage = defineStageContract({
  name: 'monitor',
  summary: "Compares a newly ingested batch with the data the alias's version was trained on (the drift watcher's statistics), plus accuracy when the batch has the target.",
  config: z.strictObject({
    model: ModelNameSchema,
    alias: AliasNameSchema.default('production'),
    thresholds: DriftThresholdsSchema.optional(),
    minRows: z.number().int().min(1).default(100),
    failOnDrift: z.boolean().default(false),
    from: z.string().optional(),
  }),
  output: z.object({
    reportId: z.number().int(),
    status: z.enum(['checked', 'insufficient-data']),
    model: z.string(),
    version: z.number().int(),
    drifted: z.boolean(),
    driftedFeatures: z.array(z.string()),
    rows: z.number().int(),
    accuracy: z.number().nullable(),
  }),
  needsStore: true,
  cacheable: false,
});
