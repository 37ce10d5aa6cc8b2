import { z } from 'zod';
import { AliasMoveSchema } from '../registry/aliasMove';

/**
 * What a pipeline declares about a model for its card (on the register step's config): the parts of
 * Mitchell et al.'s "Model Cards for Model Reporting" that only people can write.
 */
export const CardDeclarationSchema = z.strictObject({
  /** What the model is for, and for whom. */
  intendedUse: z.string().min(1).optional(),
  /** Uses it was not built or evaluated for. */
  outOfScope: z.string().min(1).optional(),
  /** Groups, conditions or instruments its performance may vary across. */
  factors: z.array(z.string().min(1)).default([]),
  /** Known limitations, risks and ethical considerations. */
  caveats: z.array(z.string().min(1)).default([]),
});
export type CardDeclaration = z.output<typeof CardDeclarationSchema>;
export type CardDeclarationInput = z.input<typeof CardDeclarationSchema>;

const ColumnSchema = z.object({ name: z.string(), type: z.string(), nulls: z.number().int() });

/** A dataset as a card describes it: its hash and, when ingest profiled it, its size and columns. */
const DataDescriptionSchema = z.object({
  datasetSha256: z.string().nullable(),
  rows: z.number().int().nullable(),
  columns: z.array(ColumnSchema),
});

/** A move of an alias to or away from the version. */
const PromotionSchema = AliasMoveSchema.omit({ model: true });

const DriftEntrySchema = z.object({
  id: z.number().int(),
  alias: z.string(),
  createdAt: z.string(),
  status: z.string(),
  drifted: z.boolean(),
  driftedFeatures: z.array(z.string()),
  currentRows: z.number().int(),
  accuracy: z.number().nullable(),
});

/** A model version's card: model details, intended use, factors, metrics, evaluation and training data, caveats; then what happened to it since (promotions, drift). */
export const ModelCardSchema = z.object({
  model: z.string(),
  version: z.number().int(),
  generatedAt: z.string(),
  details: z.object({
    algorithm: z.string(),
    format: z.string().nullable(),
    target: z.string().nullable(),
    features: z.array(z.string()),
    labels: z.array(z.string()),
    hyperparameters: z.record(z.string(), z.unknown()),
    registeredAt: z.string(),
    pipeline: z.string(),
    runId: z.string(),
    step: z.string(),
    specHash: z.string(),
    codeVersion: z.string(),
  }),
  intendedUse: z.object({ primary: z.string().nullable(), outOfScope: z.string().nullable() }),
  factors: z.array(z.string()),
  metrics: z.record(z.string(), z.unknown()),
  evaluationData: DataDescriptionSchema.extend({ kind: z.enum(['holdout', 'evaluation-dataset', 'unknown']), description: z.string() }),
  trainingData: DataDescriptionSchema,
  caveats: z.array(z.string()),
  promotions: z.array(PromotionSchema),
  drift: z.array(DriftEntrySchema),
  /** The card as it was when the version was registered (an artifact of the registering run), or null for a version registered without one. */
  registered: z.object({ at: z.string(), sha256: z.string() }).nullable(),
});
export type ModelCard = z.infer<typeof ModelCardSchema>;
export type EvaluationData = ModelCard['evaluationData'];
