import { z } from 'zod';
import { ColumnProfileSchema } from '../data/profile';
import { DatasetSourceSchema } from '../store/datasets';

/** A dataset's card: where it came from, what it holds, the contracts it was checked against, the models trained on it. */
export const DataCardSchema = z.object({
  sha256: z.string(),
  generatedAt: z.string(),
  recordedAt: z.string(),
  source: DatasetSourceSchema.nullable(),
  /** The run steps that produced it (ingest), oldest first. */
  producedBy: z.array(z.object({ runId: z.string(), step: z.string(), at: z.string() })),
  profile: z.object({ rows: z.number().int(), columns: z.array(ColumnProfileSchema) }),
  validations: z.array(
    z.object({
      runId: z.string(),
      step: z.string(),
      at: z.string(),
      passed: z.boolean().nullable(),
      rows: z.number().int().nullable(),
      invalidRows: z.number().int().nullable(),
      violations: z.array(z.object({ column: z.string().nullable(), rule: z.string(), message: z.string() })),
      /** The contract checked, as the validate step's config declared it. */
      contract: z.unknown(),
    }),
  ),
  models: z.array(z.object({ model: z.string(), version: z.number().int(), aliases: z.array(z.string()), registeredAt: z.string(), metrics: z.record(z.string(), z.unknown()) })),
});
export type DataCard = z.infer<typeof DataCardSchema>;
