import { z } from 'zod';
import { ArtifactRefSchema } from '../artifacts/artifactRef';
import { CsvDialectSchema, dialectProblem, TABULAR_FORMATS } from '../data/formats';
import { FeedbackLineageSchema, feedbackSourceProblem, isFeedbackSource } from '../data/feedbackSource';
import { encodingProblem } from '../data/textEncoding';
import { defineStageContract } from './contract';

export const IngestConfigSchema = z.strictObject({
  /**
   * A file path (under a data root), an http(s) URL (on the deployment's allow-list), `sql:<connection>`
   * with `query`, or `feedback:<model>[?options]`: what the model served, labelled by feedback (README "Retraining on production feedback").
   */
  source: z
    .string()
    .min(1)
    .refine((s) => !/^postgres(ql)?:\/\//i.test(s), {
      message: 'a connection string cannot be a source: declare the connection in CAIRN_SQL_CONNECTIONS on the workers and name it as sql:<name>',
    })
    .superRefine((s, context) => {
      const problem = isFeedbackSource(s) ? feedbackSourceProblem(s) : undefined;
      if (problem) context.addIssue({ code: 'custom', message: problem });
    }),
  format: z.enum(TABULAR_FORMATS).optional(),
  /** For CSV: the field delimiter; by default sniffed from the file's first lines (`,` `;` tab `|`). */
  delimiter: CsvDialectSchema.shape.delimiter.optional(),
  /** For CSV: `,` for numbers written `1,5`; by default sniffed (a comma only in a file not delimited by commas). */
  decimalSeparator: CsvDialectSchema.shape.decimalSeparator.optional(),
  /** For CSV and JSON: the text's encoding when it is not UTF-8 (`windows-1252`, `latin1`, `shift_jis`...); UTF-16 with a byte-order mark is recognised without it. */
  encoding: z
    .string()
    .min(1)
    .superRefine((label, context) => {
      const problem = encodingProblem(label);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  /** For sql: sources: one SELECT statement, run read-only. */
  query: z.string().min(1).optional(),
  /** For URLs: narrows the deployment's allow-list (CAIRN_ALLOW_HOSTS) for this step; it can never widen it. */
  allowHosts: z.array(z.string()).optional(),
  /** Columns whose values stay out of the stored profile (statistics and categories); `*` for all. Viewers read profiles. */
  redactProfile: z.array(z.string()).default([]),
  maxBytes: z.number().int().positive().default(2 * 1024 ** 3),
  maxRows: z.number().int().positive().default(10_000_000),
  timeoutMs: z.number().int().positive().default(300_000),
}).superRefine((config, context) => {
  const problem = dialectProblem(config);
  if (problem) context.addIssue({ code: 'custom', message: problem, path: ['decimalSeparator'] });
});
export type IngestConfig = z.output<typeof IngestConfigSchema>;

export const ingestStage = defineStageContract({
  name: 'ingest',
  summary: 'Reads a CSV, Parquet or JSON file (gzip too) under a data root, an allowed URL, a named SQL connection or a model\'s labelled production traffic into a Parquet dataset artifact with a profile.',
  config: IngestConfigSchema,
  output: z.object({
    dataset: ArtifactRefSchema,
    /** A reference to the profile's JSON artifact (read it with `artifacts.read(profile)`, or GET /api/v1/datasets/:sha256/profile). */
    profile: ArtifactRefSchema,
    rows: z.number().int(),
    columns: z.array(z.object({ name: z.string(), type: z.string() })),
    source: z.object({
      kind: z.enum(['file', 'url', 'sql', 'feedback']),
      format: z.enum(TABULAR_FORMATS),
      /** For a CSV, the dialect it was read in (stated in the config or sniffed). */
      csv: CsvDialectSchema.optional(),
    }),
    /** For a feedback: source, what the dataset was assembled from. */
    feedback: FeedbackLineageSchema.optional(),
  }),
  needsStore: true,
  cacheable: true,
});
