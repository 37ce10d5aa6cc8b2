import { describeModel } from '../lib/ml/servableModel';
import { z } from 'zod';
import { ArtifactRefSchema } from '../lib/artifacts/artifactRef';
import { CODE_VERSION } from '../lib/codeVersion';
import { defineStep } from '../lib/dsl/defineStep';
import { registerStage } from '../lib/stages/register';
import { registerVersion } from '../lib/registry/registry';
import { recordRunArtifact } from '../lib/store/runArtifacts';
import { upstreamOutput } from './upstreamOutput';
import { SweepSummarySchema } from '../lib/stages/pickBest';
import { MODEL_CARD_ARTIFACT, MODEL_CARD_MEDIA_TYPE, registrationCard } from '../lib/cards/modelCard';
import { CardDeclarationSchema, type EvaluationData } from '../lib/cards/modelCardSchema';

const ModelOutput = z.object({
  model: ArtifactRefSchema,
  dataset: ArtifactRefSchema,
  metrics: z.record(z.string(), z.unknown()),
  // What the card says about the evaluation: an evaluate output names its data, a train output its split.
  evaluatedOn: z.object({ kind: z.enum(['holdout', 'evaluation-dataset']), dataset: ArtifactRefSchema }).optional(),
  holdoutRows: z.number().int().optional(),
  split: z.object({ testFraction: z.number(), seed: z.number() }).optional(),
  // A pick-best output: the sweep that chose this model goes into the version's lineage.
  sweep: SweepSummarySchema.optional(),
});

/** The card's evaluation data, from what the upstream step says it was scored on. */
function evaluationOf(source: z.infer<typeof ModelOutput>): Omit<EvaluationData, 'rows' | 'columns'> & { rows: number | null } {
  const holdout = (split: { testFraction: number; seed: number } | undefined) =>
    `a held-out ${split ? `${Math.round(split.testFraction * 100)}% ` : ''}split of the training dataset${split ? ` (seed ${split.seed})` : ''}, never seen in training`;
  if (source.evaluatedOn?.kind === 'evaluation-dataset') return { kind: 'evaluation-dataset', datasetSha256: source.evaluatedOn.dataset.sha256, rows: source.holdoutRows ?? null, description: 'a separate evaluation dataset' };
  const testRows = typeof source.metrics.testRows === 'number' ? source.metrics.testRows : null;
  return { kind: 'holdout', datasetSha256: source.dataset.sha256, rows: source.holdoutRows ?? testRows, description: holdout(source.split) };
}

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
        ...(source.sweep ? { sweep: source.sweep } : {}),
      },
    });
    // The card as known at registration, kept with the run: what an auditor reads later beside the live one.
    const card = await registrationCard(runtime.store.pool, config.model, version, config.card ?? CardDeclarationSchema.parse({}), evaluationOf(source));
    const cardRef = await runtime.artifacts.put(Buffer.from(JSON.stringify(card)), MODEL_CARD_MEDIA_TYPE);
    await recordRunArtifact(runtime.store.pool, { runId: run.runId, step: run.step, name: MODEL_CARD_ARTIFACT, ref: cardRef });
    // Among the run's artifacts: what was registered, and the files it consists of (an ONNX graph).
    for (const [name, ref] of [['model', source.model], ...description.parts.map((part) => [`model.${description.format}`, part] as const)] as const) {
      await recordRunArtifact(runtime.store.pool, { runId: run.runId, step: run.step, name, ref });
    }
    return { model: config.model, version, created, modelRef: source.model };
  },
});
