import { artifactUri } from '../lib/artifacts/artifactRef';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { ArtifactRef } from '../lib/artifacts/artifactRef';
import { ingestFile, readOptions } from '../lib/data/ingestFile';
import { ArtifactRefSchema } from '../lib/artifacts/artifactRef';
import { defineStep } from '../lib/dsl/defineStep';
import { ConfigError, DataError } from '../lib/errors';
import { gateFailures, isBetter, primaryMetric } from '../lib/ml/evaluateModel';
import { runInThread } from '../lib/threads/runInThread';
import { resolveAlias } from '../lib/registry/aliases';
import { recordRunArtifact } from '../lib/store/runArtifacts';
import { acquire } from './ingest';
import { evaluateStage, type EvaluateConfig } from '../lib/stages/evaluate';
import { sourceFingerprint } from '../lib/data/sourceFingerprint';
import type { StepRuntime, StepServices } from '../lib/dsl/defineStep';
import type { ScoreResult } from '../lib/ml/scoreOnDataset';
import type { JsonObject, JsonValue } from '../lib/dsl/spec';
import { upstreamOutput } from './upstreamOutput';

/**
 * For the step cache: what an evaluation reads besides its upstream outputs, which can change between
 * runs: the version the compared alias points at, and an evaluation dataset's source.
 */
async function evaluationFingerprint(config: EvaluateConfig, { sources, store }: Pick<StepServices, 'sources' | 'store'>): Promise<{ fingerprint: JsonValue } | { reason: string }> {
  const fingerprint: JsonObject = {};
  if (config.against) {
    if (!store) return { reason: 'comparing against an alias needs the metadata store' };
    const incumbent = await resolveAlias(store.pool, config.against.model, config.against.alias);
    fingerprint.against = incumbent ? { version: incumbent.version, model: incumbent.modelSha256 } : null;
  }
  if (config.evaluationDataset) {
    const source = await sourceFingerprint(config.evaluationDataset, sources);
    if ('reason' in source) return source;
    fingerprint.evaluationDataset = source.fingerprint;
  }
  return { fingerprint };
}

/**
 * A model trained by another worker (a Python step's ONNX model) recorded no experiment: Cairn's own
 * train records each fit, a TypeScript step can call `experiment()`, a Python step cannot. The
 * evaluate step that scores it records it then (its params as the model declares them, the
 * evaluation's metrics, the dataset), so `cairn experiments` lists every training, whoever ran it.
 */
async function recordForeignTraining(runtime: StepRuntime, model: ScoreResult['model'], dataset: ArtifactRef, metrics: Record<string, unknown>): Promise<void> {
  if (model.format === 'cairn') return;
  const numeric = Object.fromEntries(Object.entries(metrics).filter((entry): entry is [string, number] => typeof entry[1] === 'number'));
  await runtime.experiment({ params: model.hyperparameters as JsonObject, metrics: numeric, dataset: dataset.sha256, algorithm: model.algorithm });
}

const TrainOutput = z.object({
  model: ArtifactRefSchema,
  dataset: ArtifactRefSchema,
  split: z.object({ testFraction: z.number(), seed: z.number() }),
});

/**
 * evaluate: scores the trained model on the holdout rows it never saw (the same seeded split),
 * checks the gate, and compares with the version an alias points at on the same rows. It heartbeats
 * at each phase and while data loads.
 */
export const evaluate = defineStep({
  name: evaluateStage.name,
  config: evaluateStage.config,
  output: evaluateStage.output,
  heartbeat: 'manual',
  fingerprint: evaluationFingerprint,
  run: async ({ run, config, upstream }, runtime) => {
    runtime.heartbeat({ phase: 'read' });
    const trained = upstreamOutput(upstream, TrainOutput, config.from, 'a trained model (a train output)');
    // The incumbent is looked up here (the store is this thread's); the rows are read and both
    // models scored on them in a stage thread, off this event loop.
    let incumbent: Awaited<ReturnType<typeof resolveAlias>>;
    if (config.against) {
      if (!runtime.store) throw new ConfigError('comparing against an alias needs the metadata store: run the worker with DATABASE_URL');
      incumbent = await resolveAlias(runtime.store.pool, config.against.model, config.against.alias);
    }
    const score = (datasetPath: string, split?: { testFraction: number; seed: number }) =>
      runInThread('score', { artifactsRoot: runtime.artifacts.root, model: trained.model.uri, incumbent: incumbent ? artifactUri(incumbent.modelSha256) : undefined, datasetPath, split }, runtime.heartbeat, runtime.signal);
    let scored: Awaited<ReturnType<typeof score>>;
    let evaluatedOn: { kind: 'holdout' | 'evaluation-dataset'; dataset: ArtifactRef };
    if (config.evaluationDataset) {
      const dir = await mkdtemp(join(tmpdir(), 'cairn-evaluate-'));
      try {
        const source = await acquire(config.evaluationDataset, dir, runtime.sources, runtime.heartbeat);
        // Read as its ingest config says (dialect, gzip cap, encoding), as an ingest step would read it.
        const { dataset } = await ingestFile(source.path, source.format, runtime.artifacts, dir, runtime.heartbeat, readOptions(config.evaluationDataset, source.format));
        scored = await score(await runtime.artifacts.verifiedPath(dataset));
        evaluatedOn = { kind: 'evaluation-dataset', dataset };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    } else {
      scored = await score(await runtime.artifacts.verifiedPath(trained.dataset), trained.split);
      evaluatedOn = { kind: 'holdout', dataset: trained.dataset };
    }
    const { metrics } = scored;
    const primary = primaryMetric(scored.task);

    let comparison: { model: string; alias: string; version: number | null; metrics: unknown; candidateIsBetter: boolean | null; notCompared?: string } | null = null;
    if (config.against) {
      runtime.heartbeat({ phase: 'compare' });
      if (incumbent && scored.incumbentMetrics) {
        const candidateValue = (metrics as unknown as Record<string, number>)[primary] as number;
        const incumbentValue = (scored.incumbentMetrics as unknown as Record<string, number>)[primary] as number;
        comparison = { ...config.against, version: incumbent.version, metrics: scored.incumbentMetrics, candidateIsBetter: isBetter(primary, candidateValue, incumbentValue) };
      } else if (incumbent) {
        const notCompared = `v${incumbent.version} ${scored.incumbentNotScored ?? 'was not scored'}`;
        runtime.log.warn(`${config.against.model} ${config.against.alias} not compared: ${notCompared}`);
        comparison = { ...config.against, version: incumbent.version, metrics: null, candidateIsBetter: null, notCompared };
      } else {
        comparison = { ...config.against, version: null, metrics: null, candidateIsBetter: null };
      }
    }
    await recordForeignTraining(runtime, scored.model, trained.dataset, metrics as unknown as Record<string, unknown>);
    const report = { metrics, holdoutRows: scored.rows, evaluatedOn, gate: config.gate, comparison };
    const reportRef = await runtime.artifacts.put(Buffer.from(JSON.stringify(report)), 'application/json');
    if (runtime.store) await recordRunArtifact(runtime.store.pool, { runId: run.runId, step: run.step, name: 'evaluation', ref: reportRef });
    const failures = gateFailures(metrics, config.gate);
    if (config.requireImprovement && comparison?.candidateIsBetter === false) {
      const incumbent = (comparison.metrics as Record<string, number>)[primary] as number;
      failures.push(`${primary} ${((metrics as unknown as Record<string, number>)[primary] as number).toFixed(4)} does not beat ${comparison.alias} v${comparison.version}'s ${incumbent.toFixed(4)}`);
    }
    if (failures.length > 0) throw new DataError(`gate failed: ${failures.join('; ')} [report ${reportRef.uri}]`);
    return { model: trained.model, dataset: trained.dataset, split: trained.split, metrics: metrics as never, primaryMetric: primary, holdoutRows: scored.rows, evaluatedOn, comparison: comparison as never, report: reportRef };
  },
});
