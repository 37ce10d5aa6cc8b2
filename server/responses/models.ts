import { z } from 'zod';
import { AliasMoveSchema } from '../../lib/registry/aliasMove';
import { ModelCardSchema } from '../../lib/cards/modelCardSchema';
import { DataCardSchema } from '../../lib/cards/dataCardSchema';
import { ProfileSchema } from '../../lib/data/profile';
import { DriftThresholdsSchema } from '../../lib/drift/driftReport';
import { ModelVersionSchema } from '../../lib/registry/registry';

export const ModelListSchema = z.object({
  models: z.array(z.object({ name: z.string(), latestVersion: z.number().int().nullable(), aliases: z.record(z.string(), z.number().int()) })),
});

export const ModelVersionsSchema = z.object({ model: z.string(), versions: z.array(ModelVersionSchema) });

export { ModelVersionSchema };

export { AliasMoveSchema };

/** A move request's answer: `moved: false` when the alias already pointed there with that weight. */
export const AliasMovedSchema = z.object({
  model: z.string(),
  alias: z.string(),
  version: z.number().int(),
  moved: z.boolean(),
  previous: z.number().int().nullable().optional(),
  weight: z.number().nullable().optional(),
});

export const AliasHistorySchema = z.object({ model: z.string(), alias: z.string(), history: z.array(AliasMoveSchema) });

const FeatureDriftSchema = z.object({
  feature: z.string(),
  kind: z.enum(['numeric', 'categorical']),
  missing: z.object({ reference: z.number(), current: z.number() }),
  /** PSI, KS, Jensen-Shannon and Wasserstein (numeric) or chi-square (categorical), with what they were computed from. */
  statistics: z.record(z.string(), z.unknown()).nullable(),
  drifted: z.boolean(),
  reasons: z.array(z.string()),
});

export const DriftReportsSchema = z.object({
  model: z.string(),
  reports: z.array(
    z.object({
      id: z.number().int(),
      status: z.enum(['checked', 'insufficient-data']),
      model: z.string(),
      version: z.number().int(),
      alias: z.string(),
      window: z.object({ from: z.string(), to: z.string() }).nullable(),
      reference: z.object({ dataset: z.string(), rows: z.number().int() }),
      current: z.object({ rows: z.number().int(), labelled: z.number().int(), dataset: z.string().nullable() }),
      features: z.array(FeatureDriftSchema),
      missingColumns: z.array(z.string()),
      prediction: FeatureDriftSchema.nullable(),
      accuracy: z.object({ reference: z.number().nullable(), current: z.number(), labelled: z.number().int(), dropped: z.boolean() }).nullable(),
      driftedFeatures: z.array(z.string()),
      drifted: z.boolean(),
      thresholds: DriftThresholdsSchema.required(),
      createdAt: z.string(),
      /** The retraining run this report started, if it did. */
      retrain: z.object({ workflowId: z.string(), startedAt: z.string() }).nullable(),
      /** Why this drifted report started no retrain (too few labelled predictions for a production-feedback retrain). */
      retrainSkipped: z.string().optional(),
    }),
  ),
});

export const TrafficSchema = z.object({
  model: z.string(),
  bucket: z.enum(['hour', 'day']),
  buckets: z.array(
    z.object({ start: z.string(), predictions: z.number().int(), labelled: z.number().int(), correct: z.number().int(), meanAbsoluteError: z.number().nullable() }),
  ),
});

export const DatasetProfileSchema = z.object({ sha256: z.string(), profile: ProfileSchema });

/** A model card, and the same as Markdown. */
export const ModelCardAnswerSchema = z.object({ card: ModelCardSchema, markdown: z.string() });

/** A data card, and the same as Markdown. */
export const DataCardAnswerSchema = z.object({ card: DataCardSchema, markdown: z.string() });
