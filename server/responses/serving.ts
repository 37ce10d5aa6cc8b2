import { z } from 'zod';

const PredictionSchema = z.union([
  z.object({ label: z.union([z.string(), z.number()]).optional(), probabilities: z.record(z.string(), z.number().optional()) }),
  z.object({ value: z.number().optional() }),
]);

/** One instance gets `prediction`, a batch `predictions` (in order); `requestId` is what feedback names. */
export const PredictionsSchema = z.object({
  model: z.string(),
  version: z.number().int(),
  alias: z.string().nullable(),
  requestId: z.string(),
  prediction: PredictionSchema.optional(),
  predictions: z.array(PredictionSchema).optional(),
});

export const FeedbackRecordedSchema = z.object({ model: z.string(), recorded: z.number().int() });
