import { describeModel } from '../lib/ml/servableModel';
import { z } from 'zod';
import { ArtifactRefSchema } from '../lib/artifacts/artifactRef';
import { CODE_VERSION } from '../lib/codeVersion';
import { defineStep } from '../lib/dsl/defineStep';
import { registerStage } from '../lib/stages/register';
import { registerVersion } from '../lib/registry/registry';
import { recordRunArtifact } from '../lib/store/runArtifacts';
import { upstreamOutput } from './upstreamOutput';

const ModelOutput = z.object({ model: ArtifactRefSchema, dataset: ArtifactRefSchema, metrics: z.record(z.string(), z.unknown()) });

/**
 * register: records the upstream model as the next version of `model` in the registry, with its
 * metrics, hyperparameters and lineage (run, workflow run, dataset hash, pipeline spec hash, code
 * version), and lists the model's files among the run's artifacts. The model may be Cairn's own document
 * or an ONNX manifest (python/cairn_steps). The same run's step registering again gets the same version.
 */
export const register = defineStep({
  name: registerStage.name,
  needsStore: true,
  config: registerStage.config,
  output: registerStage.output,
  run: async ({ run, config, upstream }, runtime) => {
    const source = upstreamOutput(upstream, ModelOutput, config.from, 'a model with metrics (an evaluate or train output)');
    const description = await describeModel(runtime.artifacts, source.model);
    const { version, created } = await registerVersion(runtime.store.pool, {
      model: config.model,
      modelRef: source.model,
      algorithm: description.algorithm,
      metrics: source.metrics,
      params: { ...description.hyperparameters, format: description.format, target: description.target, features: description.features.map((f) => f.name), labels: description.labels },
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
    // Among the run's artifacts: what was registered, and the files it consists of (an ONNX graph).
    for (const [name, ref] of [['model', source.model], ...description.parts.map((part) => [`model.${description.format}`, part] as const)] as const) {
      await recordRunArtifact(runtime.store.pool, { runId: run.runId, step: run.step, name, ref });
    }
    return { model: config.model, version, created, modelRef: source.model };
  },
});
