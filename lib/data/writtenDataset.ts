import { z } from 'zod';
import { ArtifactRefSchema } from '../artifacts/artifactRef';

/**
 * What `runtime.writeDataset` returns: the fields of ingest's output that validate, train and monitor
 * read. A step that hands it on declares `output: WrittenDatasetSchema`, and the steps after it read
 * `outputOf(upstream, '<step>', thatStep).dataset`, typed. A module of its own: the DSL imports it,
 * and must not load what writes datasets (DuckDB).
 */
export const WrittenDatasetSchema = z.object({
  dataset: ArtifactRefSchema,
  profile: ArtifactRefSchema,
  rows: z.number().int(),
  columns: z.array(z.object({ name: z.string(), type: z.string() })),
});
export type WrittenDataset = z.infer<typeof WrittenDatasetSchema>;
