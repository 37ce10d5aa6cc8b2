import type { z } from 'zod';
import type { TrainResult } from '../ml/trainModel';
import { ignoreProgress, type ReportProgress } from '../progress';
import type { TrainConfigSchema } from '../stages/train';
import { runInThread } from '../threads/runInThread';

/**
 * Cairn's trainers (the built-in `train` stage's: logistic regression, boosted trees, ridge), on a
 * Parquet dataset (`runtime.artifacts.verifiedPath(dataset)`), for a training step of your own: a
 * search of its own, features of its own. It runs in a stage thread, as the built-in stage does, so
 * minutes of fitting leave the worker's event loop free to heartbeat; `progress` hears the load and
 * every round (pass the step's `heartbeat`), and `signal` (the step's) stops it.
 * Store the model with `storeModel` and return `{ model, dataset, split: { testFraction, seed } }`.
 */
export function trainModel(datasetPath: string, config: z.input<typeof TrainConfigSchema>, options: { progress?: ReportProgress; signal?: AbortSignal } = {}): Promise<TrainResult> {
  return runInThread('train', { datasetPath, options: config }, options.progress ?? ignoreProgress, options.signal);
}
