import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { registry } from '../../definitions';
import { ArtifactStore } from '../../lib/artifacts/artifactStore';
import { resolveOutput } from '../../lib/artifacts/outputRef';
import { searchExperiments } from '../../lib/store/experimentsTable';
import { getVersion } from '../../lib/registry/registry';
import { startRun } from '../../lib/runs/startRun';
import { openTestStore, type TestStore } from '../helpers/postgres';
import { testServices } from '../helpers/sources';
import { connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';

// Promised (README, "Sweeps"): the shipped penguins-sweep trains and scores one model per trial of
// its grid (every fit recorded as an experiment), the registered version is the trial with the best
// holdout accuracy (checked here against the trials' own recorded metrics, not pick-best's word),
// and its lineage holds the whole sweep: every trial's params and score.
let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let testStore: TestStore;
let artifacts: ArtifactStore;

beforeAll(async () => {
  env = await connectTestEnv();
  testStore = await openTestStore();
  artifacts = new ArtifactStore(mkdtempSync(join(tmpdir(), 'cairn-sweep-')));
  const services = testServices({ artifacts, store: testStore.store });
  worker = await startTestWorker(env, createActivities(registry, services));
});
afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
  await testStore?.close();
});

describe('a sweep', () => {
  it('trains every trial on the same split, registers the best by accuracy, and keeps the sweep in its lineage', async () => {
    const pipeline = registry.pipelines.get('penguins-sweep')!;
    const { handle } = await startRun(env.client, { pipeline, trigger: 'test', taskQueue: worker.taskQueue });
    const result = await handle.result();
    const runId = handle.workflowId;

    // Every trial's fit is an experiment of this run, with its own hyperparameters.
    const experiments = (await searchExperiments(testStore.store.pool, { pipeline: 'penguins-sweep', where: [], limit: 100 })).filter((e) => e.runId === runId);
    expect(experiments.map((e) => e.step).sort()).toEqual(['tune.train[0]', 'tune.train[1]', 'tune.train[2]', 'tune.train[3]']);
    const grid = experiments.map((e) => [e.params.maxDepth, e.params.learningRate]).sort();
    expect(grid).toEqual([[2, 0.05], [2, 0.3], [4, 0.05], [4, 0.3]]);

    // The trials' evaluations, as the map gathered them (one list artifact), in trial order.
    const trials = (await resolveOutput(result.outputs.tune ?? null, artifacts)) as unknown as { train: { split: unknown }; evaluate: { metrics: { accuracy: number } } }[];
    expect(trials).toHaveLength(4);
    // The same seeded split for every trial.
    expect(new Set(trials.map((t) => JSON.stringify(t.train.split))).size).toBe(1);
    const accuracies = trials.map((t) => t.evaluate.metrics.accuracy);
    const bestIndex = accuracies.indexOf(Math.max(...accuracies));

    const entry = result.outputs.entry as { version: number };
    const version = await getVersion(testStore.store.pool, 'penguins-tuned', entry.version);
    expect(version?.metrics.accuracy).toBe(accuracies[bestIndex]);
    const sweep = version!.lineage.sweep!;
    expect(sweep).toMatchObject({ metric: 'accuracy', direction: 'max', best: bestIndex, step: `${runId}/tune` });
    expect(sweep.trials.map((t) => t.value)).toEqual(accuracies);
    expect(sweep.trials.map((t) => t.params)).toEqual([
      { maxDepth: 2, learningRate: 0.05 },
      { maxDepth: 2, learningRate: 0.3 },
      { maxDepth: 4, learningRate: 0.05 },
      { maxDepth: 4, learningRate: 0.3 },
    ]);
    // The registered model is the winning trial's: its hyperparameters are the chosen ones.
    expect(version!.params).toMatchObject(sweep.trials[bestIndex]!.params);
  });
});
