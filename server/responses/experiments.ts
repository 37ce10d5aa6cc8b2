import { z } from 'zod';

export const ExperimentSchema = z.object({
  id: z.number().int(),
  runId: z.string(),
  step: z.string(),
  attempt: z.number().int(),
  pipeline: z.string(),
  specHash: z.string(),
  activity: z.string(),
  algorithm: z.string().nullable(),
  params: z.record(z.string(), z.unknown()),
  metrics: z.record(z.string(), z.number()),
  datasetSha256: z.string().nullable(),
  codeVersion: z.string(),
  durationMs: z.number().int(),
  createdAt: z.string(),
});

export const ExperimentListSchema = z.object({ experiments: z.array(ExperimentSchema) });

const Heading = ExperimentSchema.pick({ id: true, runId: true, step: true, pipeline: true, algorithm: true, durationMs: true, createdAt: true });
const Sameness = <T extends z.ZodType>(value: T) => z.object({ a: value, b: value, same: z.boolean() });

export const ExperimentComparisonSchema = z.object({
  a: Heading,
  b: Heading,
  params: z.array(z.object({ name: z.string(), a: z.unknown(), b: z.unknown(), differs: z.boolean() })),
  metrics: z.array(z.object({ name: z.string(), a: z.number().nullable(), b: z.number().nullable(), delta: z.number().nullable() })),
  dataset: Sameness(z.string().nullable()),
  code: Sameness(z.string()),
  spec: Sameness(z.string()),
});
