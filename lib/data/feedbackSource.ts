import { z } from 'zod';
import { parseDuration } from '../dsl/duration';
import { ConfigError } from '../errors';
import { AliasNameSchema, ModelNameSchema } from '../registry/names';

/**
 * `feedback:<model>[?option=value&...]`: the production-feedback source. A string, so that it fits
 * any pipeline's `dataset` param (`--param dataset=feedback:churn?window=14d`) and a drift trigger's
 * retrain params alike.
 */
export const FEEDBACK_PREFIX = 'feedback:';

const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const FeedbackOptionsSchema = z.strictObject({
  /** The version behind this alias gives the columns (its features and target) and the training data to add. */
  alias: AliasNameSchema.default('production'),
  /** How far back labelled predictions count, such as '30d' or '12h'. */
  window: z
    .string()
    .refine((v) => (parseDuration(v) ?? 0) >= 1000, { message: "expected a duration of at least 1s, such as '30d'" })
    .default('30d'),
  /** `include`: the version's own training data is added (rows that feedback repeats are kept once). */
  training: z.enum(['include', 'exclude']).default('include'),
  /** At most this many rows: the newest feedback first, then a seeded sample of the training data. */
  maxRows: count(1, 10_000_000).default(100_000),
  /** Fewer labelled predictions than this in the window fail the step instead of training on too little. */
  minLabelled: count(1, 10_000_000).default(20),
  /** The seed of the training-data sample (the same inputs give the same dataset). */
  seed: count(0, 2 ** 31 - 1).default(42),
});
export type FeedbackOptions = z.output<typeof FeedbackOptionsSchema>;
export type FeedbackSource = FeedbackOptions & { model: string; windowMs: number };

export function isFeedbackSource(source: string): boolean {
  return source.startsWith(FEEDBACK_PREFIX);
}

/** What is wrong with a feedback source, in words (for config checks at load), or undefined. */
export function feedbackSourceProblem(source: string): string | undefined {
  const parsed = parse(source);
  return 'problem' in parsed ? parsed.problem : undefined;
}

/** The source's model and options, defaults filled; throws naming what is wrong. */
export function parseFeedbackSource(source: string): FeedbackSource {
  const parsed = parse(source);
  if ('problem' in parsed) throw new ConfigError(parsed.problem);
  return parsed.source;
}

/** The source text for a model and options (only those that differ from the defaults are written). */
export function feedbackSourceText(model: string, options: Partial<z.input<typeof FeedbackOptionsSchema>> = {}): string {
  const defaults = FeedbackOptionsSchema.parse({});
  const query = new URLSearchParams(
    Object.entries(options)
      .filter(([key, value]) => value !== undefined && String(value) !== String(defaults[key as keyof FeedbackOptions]))
      .map(([key, value]): [string, string] => [key, String(value)]),
  ).toString();
  return `${FEEDBACK_PREFIX}${model}${query ? `?${query}` : ''}`;
}

function parse(source: string): { source: FeedbackSource } | { problem: string } {
  const rest = source.slice(FEEDBACK_PREFIX.length);
  const [model = '', query = ''] = rest.split(/\?(.*)/s, 2);
  const name = ModelNameSchema.safeParse(model);
  if (!name.success) return { problem: `'${source}': '${model}' is not a model name (${FEEDBACK_PREFIX}<model>[?window=30d&training=include|exclude&maxRows=N&minLabelled=N&alias=production&seed=N])` };
  const pairs = [...new URLSearchParams(query)];
  const repeated = pairs.find(([key], i) => pairs.findIndex(([other]) => other === key) !== i);
  if (repeated) return { problem: `'${source}': option '${repeated[0]}' is given twice` };
  const options = FeedbackOptionsSchema.safeParse(Object.fromEntries(pairs));
  if (!options.success) {
    return { problem: `'${source}': ${options.error.issues.map((i) => (i.code === 'unrecognized_keys' ? `unknown option ${i.keys.map((k) => `'${k}'`).join(', ')}` : `${i.path.join('.')}: ${i.message}`)).join('; ')}` };
  }
  return { source: { ...options.data, model: name.data, windowMs: parseDuration(options.data.window) as number } };
}

/** What a production-feedback dataset was assembled from: kept with the dataset and in the step's output. */
export const FeedbackLineageSchema = z.object({
  model: z.string(),
  alias: z.string(),
  /** The version whose columns (and training data) were used. */
  version: z.number().int(),
  window: z.object({ from: z.string(), to: z.string() }),
  /** The labelled prediction_log rows used: how many, their id range, and the artifact listing every id. */
  predictionLog: z.object({ rows: z.number().int(), firstId: z.number().int().nullable(), lastId: z.number().int().nullable(), ids: z.string() }),
  /** The version's own training data added, or null (training=exclude). */
  training: z
    .object({
      dataset: z.string(),
      rows: z.number().int(),
      /** Training rows left out because a labelled prediction repeats them (kept once). */
      repeatedByFeedback: z.number().int(),
      /** Training rows left out by the maxRows cap (a seeded sample was kept). */
      sampledOut: z.number().int(),
    })
    .nullable(),
  maxRows: z.number().int(),
});
export type FeedbackLineage = z.infer<typeof FeedbackLineageSchema>;
