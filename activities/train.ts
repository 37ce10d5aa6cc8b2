import { z } from 'zod';
import { ArtifactRefSchema } from '../lib/artifacts/artifactRef';
import { defineStep } from '../lib/dsl/defineStep';
import { ConfigError } from '../lib/errors';
import { TrainConfigSchema, trainModel } from '../lib/ml/trainModel';
import { recordRunArtifact } from '../lib/store/runArtifacts';

const DatasetOutput = z.object({ dataset: ArtifactRefSchema });

/**
 * train: fits a model on the upstream dataset (seeded split, preprocessing from the training rows)
 * and stores it as a JSON model document artifact. Heartbeats carry the iteration and the loss.
 */
export const train = defineStep({
  name: 'train',
  config: TrainConfigSchema.extend({ from: z.string().optional() }),
  run: async ({ run, config, upstream }, runtime) => {
    const names = Object.keys(upstream);
    const from = config.from ?? names.find((name) => DatasetOutput.safeParse(upstream[name]).success);
    const parsed = DatasetOutput.safeParse(from ? upstream[from] : undefined);
    if (!parsed.success) throw new ConfigError(`train needs an upstream step that produced a dataset (ingest or validate); upstream: ${names.join(', ') || 'none'}`);
    const path = await runtime.artifacts.verifiedPath(parsed.data.dataset);
    const { from: _from, ...trainConfig } = config;
    const result = await trainModel(path, trainConfig, (iteration, loss) => runtime.heartbeat({ iteration, loss }));
    const model = await runtime.artifacts.put(Buffer.from(JSON.stringify(result.model)), 'application/vnd.cairn.model+json');
    if (runtime.store) await recordRunArtifact(runtime.store.pool, { runId: run.runId, step: run.step, name: 'model', ref: model });
    return {
      model,
      dataset: parsed.data.dataset,
      algorithm: result.model.algorithm,
      task: result.model.task,
      target: result.model.target,
      labels: result.model.labels,
      split: { testFraction: config.testFraction, seed: config.seed },
      metrics: result.metrics,
    };
  },
});
