import { readModelDocument } from '../lib/ml/readModelDocument';
import { z } from 'zod';
import { ArtifactRefSchema } from '../lib/artifacts/artifactRef';
import { CODE_VERSION } from '../lib/codeVersion';
import { defineStep } from '../lib/dsl/defineStep';
import { registerStage } from '../lib/stages/register';
import { registerVersion } from '../lib/registry/registry';
import { upstreamOutput } from './upstreamOutput';

const ModelOutput = z.object({ model: ArtifactRefSchema, dataset: ArtifactRefSchema, metrics: z.record(z.string(), z.unknown()) });

/**
 * register: records the upstream model as the next version of `model` in the registry, with its
 * metrics, hyperparameters and lineage (run, workflow run, dataset hash, pipeline spec hash, code
 * version). The same run's step registering again gets the same version.
 */
export const register = defineStep({
  name: registerStage.name,
  needsStore: true,
  config: registerStage.config,
  output: registerStage.output,
  run: async ({ run, config, upstream }, runtime) => {
    const source = upstreamOutput(upstream, ModelOutput, config.from, 'a model with metrics (an evaluate or train output)');
    const document = await readModelDocument(runtime.artifacts, source.model);
    const { version, created } = await registerVersion(runtime.store.pool, {
      model: config.model,
      modelRef: source.model,
      algorithm: document.algorithm,
      metrics: source.metrics,
      params: { ...document.hyperparameters, target: document.target, features: document.features.map((f) => f.name) },
      lineage: {
        runId: run.runId,
        workflowRunId: run.temporalRunId,
        step: run.step,
        pipeline: run.pipeline,
        specHash: run.specHash,
        datasetSha256: source.dataset.sha256,
        codeVersion: CODE_VERSION,
      },
    });
    return { model: config.model, version, created, modelRef: source.model };
  },
});
