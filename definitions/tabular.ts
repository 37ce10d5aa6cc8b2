import { z } from 'zod';
import { definePipeline, type JsonObject, type Trigger } from '../lib/dsl';
import type { CardDeclarationInput } from '../lib/cards/modelCardSchema';
import { ModelNameSchema } from '../lib/registry/names';
import { DEFAULT_L2 } from '../lib/stages/train';


/**
 * ingest -> train -> evaluate (gate, comparison with `production`) -> register, on any table; with
 * `promote`, the candidate must also beat production, and a deploy step moves production to it.
 * `defaults` pre-fills params, which is how the examples reuse it.
 */
function tabularPipeline(options: {
  id: string;
  description: string;
  task: 'classification' | 'regression';
  defaults?: { dataset?: string; target?: string; model?: string; algorithm?: 'logistic-regression' | 'gradient-boosted-trees'; gate?: number; evaluationDataset?: string };
  promote?: boolean;
  triggers?: Trigger[];
  /** What the model card of each registered version says about its use (see the README's "Model cards"). */
  card?: CardDeclarationInput;
}) {
  const classification = options.task === 'classification';
  const text = (fallback: string | undefined) => (fallback ? z.string().min(1).default(fallback) : z.string().min(1));
  return definePipeline({
    id: options.id,
    description: options.description,
    params: z.object({
      /** A file path (CSV, Parquet, JSON lines or JSON array) or an http(s) URL. */
      dataset: text(options.defaults?.dataset),
      target: text(options.defaults?.target),
      /** Feature columns; default: every other numeric, text or boolean column. */
      features: z.array(z.string().min(1)).min(1).optional(),
      algorithm: classification
        ? z.enum(['logistic-regression', 'gradient-boosted-trees']).default(options.defaults?.algorithm ?? 'logistic-regression')
        : z.enum(['ridge-regression']).default('ridge-regression'),
      l2: z.number().min(0).default(DEFAULT_L2),
      /** Categories kept per text feature (its most frequent values); default 100, and a text column with more, nearly one per row, is left out as an identifier. */
      maxCategories: z.number().int().min(1).max(10_000).optional(),
      testFraction: z.number().gt(0).lt(1).default(0.2),
      seed: z.number().int().default(42),
      /** The registry name the model is registered under. */
      model: options.defaults?.model ? ModelNameSchema.default(options.defaults.model) : ModelNameSchema,
      /** The evaluation gate: minimum accuracy (classification) or maximum RMSE (regression). */
      gate: options.defaults?.gate === undefined ? z.number().min(0).optional() : z.number().min(0).default(options.defaults.gate),
      /** Evaluate on this data set (path or URL) instead of a holdout of `dataset`. */
      evaluationDataset: options.defaults?.evaluationDataset ? z.string().min(1).default(options.defaults.evaluationDataset) : z.string().min(1).optional(),
      /** The datasets' text encoding when it is not UTF-8 (a CSV Excel saved on Windows: windows-1252); the evaluation dataset's too. */
      encoding: z.string().min(1).optional(),
      /** Narrows the hosts an http(s) dataset may come from; the deployment's CAIRN_ALLOW_HOSTS decides which are possible. */
      allowHosts: z.array(z.string()).optional(),
    }),
    steps: {
      data: { activity: 'ingest', config: (p) => ({ source: p.dataset, ...(p.allowHosts ? { allowHosts: p.allowHosts } : {}), ...(p.encoding ? { encoding: p.encoding } : {}) }) },
      fit: {
        activity: 'train',
        after: ['data'],
        heartbeat: '2m',
        config: (p) => ({ target: p.target, algorithm: p.algorithm, l2: p.l2, testFraction: p.testFraction, seed: p.seed, ...(p.features ? { features: p.features } : {}), ...(p.maxCategories ? { maxCategories: p.maxCategories } : {}) }),
      },
      score: {
        activity: 'evaluate',
        after: ['fit'],
        config: (p) => {
          const gate: Record<string, { min?: number; max?: number }> = p.gate === undefined ? {} : classification ? { accuracy: { min: p.gate } } : { rmse: { max: p.gate } };
          const evaluationDataset = p.evaluationDataset ? { source: p.evaluationDataset, ...(p.allowHosts ? { allowHosts: p.allowHosts } : {}), ...(p.encoding ? { encoding: p.encoding } : {}) } : undefined;
          return { gate, against: { model: p.model, alias: 'production' }, requireImprovement: options.promote ?? false, ...(evaluationDataset ? { evaluationDataset } : {}) };
        },
      },
      entry: { activity: 'register', after: ['score'], config: (p) => ({ model: p.model, ...(options.card ? { card: options.card } : {}) }) },
      // Only with `promote`; typed as always present so the object keeps one shape for definePipeline.
      ...((options.promote ? { ship: { activity: 'deploy', after: ['entry'], config: () => ({ alias: 'production' }) } } : {}) as { ship: { activity: 'deploy'; after: ['entry']; config: () => JsonObject } }),
    },
    ...(options.triggers ? { triggers: options.triggers } : {}),
  });
}

export const tabularClassification = tabularPipeline({
  id: 'tabular-classification',
  description: 'Trains, evaluates and registers a classifier on your table: --param dataset=./my.csv --param target=label --param model=my-model',
  task: 'classification',
});

export const tabularRegression = tabularPipeline({
  id: 'tabular-regression',
  description: 'Trains, evaluates and registers a ridge regression on your table: --param dataset=./my.csv --param target=price --param model=my-model',
  task: 'regression',
});

export { tabularPipeline };
