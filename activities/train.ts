import { z } from 'zod';
import { ArtifactRefSchema } from '../lib/artifacts/artifactRef';
import { defineStep } from '../lib/dsl/defineStep';
import { storeModel } from '../lib/models/storeModel';
import { trainModel } from '../lib/models/trainModel';
import { trainStage } from '../lib/stages/train';
import { recordRunArtifact } from '../lib/store/runArtifacts';
import { upstreamEntry } from './upstreamOutput';
import { recordHandedDataset } from '../lib/data/recordHandedDataset';

const DatasetOutput = z.object({ dataset: ArtifactRefSchema });

/** A fit's metrics as experiments search them: the holdout score under its metric's name (accuracy, rmse), the training score as train_<metric>, and the counts. */
function experimentMetrics(metrics: { metric: string; holdoutScore: number; trainScore: number; trainRows: number; testRows: number; iterations: number }): Record<string, number> {
  return { [metrics.metric]: metrics.holdoutScore, [`train_${metrics.metric}`]: metrics.trainScore, trainRows: metrics.trainRows, testRows: metrics.testRows, iterations: metrics.iterations };
}

/**
 * train: fits a model on the upstream dataset (seeded split, preprocessing from the training rows)
 * and stores it as a JSON model document artifact. The fit runs in a worker thread, so the worker's
 * event loop (heartbeats, queries, the API under `cairn dev`) stays free. It heartbeats from real
 * progress (each phase, then each optimiser iteration or boosting round, with the loss), so a training
 * that stalls fails as stalled after its heartbeat timeout instead of running until its step timeout.
 */
export const train = defineStep({
  name: trainStage.name,
  config: trainStage.config,
  output: trainStage.output,
  heartbeat: 'manual',
  run: async ({ run, config, upstream }, runtime) => {
    const { step: producer, output: { dataset } } = upstreamEntry(upstream, DatasetOutput, config.from, 'a dataset (ingest or validate)');
    runtime.heartbeat({ phase: 'read' });
    const path = await runtime.artifacts.verifiedPath(dataset);
    if (runtime.store) await recordHandedDataset(runtime.store.pool, dataset, async () => path, { run, step: producer }, runtime.heartbeat);
    const { from: _from, ...trainConfig } = config;
    runtime.log.info(`training ${config.algorithm} on dataset ${dataset.sha256.slice(0, 12)}`, { target: config.target });
    const result = await trainModel(path, trainConfig, { progress: runtime.heartbeat, signal: runtime.signal });
    runtime.log.info(`trained on ${result.metrics.trainRows} rows: holdout ${result.metrics.metric} ${result.metrics.holdoutScore}`, { metrics: result.metrics });
    if (result.leftOut.length > 0) runtime.log.info(`left out of the features: ${result.leftOut.map((c) => `${c.column} (${c.reason})`).join('; ')}`);
    runtime.heartbeat({ phase: 'store' });
    const model = await storeModel(runtime.artifacts, result.model);
    if (runtime.store) await recordRunArtifact(runtime.store.pool, { runId: run.runId, step: run.step, name: 'model', ref: model });
    // The params this algorithm used (the model's own hyperparameters), not every default of the
    // config: a logistic regression's experiment listed the trees' rounds and depth beside its l2.
    const params = { target: trainConfig.target, ...(trainConfig.features ? { features: trainConfig.features } : {}), algorithm: trainConfig.algorithm, ...result.model.hyperparameters };
    await runtime.experiment({ algorithm: result.model.algorithm, params, metrics: experimentMetrics(result.metrics), dataset: dataset.sha256 });
    return {
      model,
      dataset,
      algorithm: result.model.algorithm,
      task: result.model.task,
      target: result.model.target,
      labels: result.model.labels,
      split: { testFraction: config.testFraction, seed: config.seed },
      leftOut: result.leftOut,
      metrics: result.metrics,
    };
  },
});
