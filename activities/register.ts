import { z } from 'zod';
import { ArtifactRefSchema } from '../lib/artifacts/artifactRef';
import { CODE_VERSION } from '../lib/codeVersion';
import { defineStep } from '../lib/dsl/defineStep';
import { ConfigError } from '../lib/errors';
import { ModelDocumentSchema } from '../lib/ml/model';
import { registerVersion } from '../lib/registry/registry';

const ModelOutput = z.object({ model: ArtifactRefSchema, dataset: ArtifactRefSchema, metrics: z.record(z.string(), z.unknown()) });

/**
 * register: records the upstream model as the next version of `model` in the registry, with its
 * metrics, hyperparameters and lineage (run, workflow run, dataset hash, pipeline spec hash, code
 * version). The same run's step registering again gets the same version.
 */
export const register = defineStep({
  name: 'register',
  config: z.strictObject({
    model: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'model names are lower-case letters, digits and dashes'),
    from: z.string().optional(),
  }),
  run: async ({ run, config, upstream }, runtime) => {
    if (!runtime.store) throw new ConfigError('register writes to the model registry in the metadata store: run the worker with DATABASE_URL');
    const names = Object.keys(upstream);
    const from = config.from ?? names.find((name) => ModelOutput.safeParse(upstream[name]).success);
    const parsed = ModelOutput.safeParse(from ? upstream[from] : undefined);
    if (!parsed.success) throw new ConfigError(`register needs an upstream evaluate or train step; upstream: ${names.join(', ') || 'none'}`);
    const document = ModelDocumentSchema.parse(JSON.parse((await runtime.artifacts.read(parsed.data.model)).toString()));
    const { version, created } = await registerVersion(runtime.store.pool, {
      model: config.model,
      modelSha256: parsed.data.model.sha256,
      algorithm: document.algorithm,
      metrics: parsed.data.metrics,
      params: { ...document.hyperparameters, target: document.target, features: document.features.map((f) => f.name) },
      lineage: {
        runId: run.runId,
        workflowRunId: run.temporalRunId,
        step: run.step,
        pipeline: run.pipeline,
        specHash: run.specHash,
        datasetSha256: parsed.data.dataset.sha256,
        codeVersion: CODE_VERSION,
      },
    });
    return { model: config.model, version, created, modelRef: parsed.data.model };
  },
});
