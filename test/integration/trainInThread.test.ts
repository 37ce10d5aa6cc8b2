import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_DATASETS } from '../../definitions/exampleData';
import { ArtifactStore } from '../../lib/artifacts/artifactStore';
import { ingestFile } from '../../lib/data/ingestFile';
import { trainModelInThread } from '../../lib/ml/trainInThread';
import { trainModel } from '../../lib/ml/trainModel';

// Promised (README, train; issue 19): the train stage fits in a worker thread, with the very same
// result as on the main thread, its progress reported back, its errors keeping their kind, and a
// cancelled step's thread stopped.
let path: string;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-train-thread-'));
  const artifacts = new ArtifactStore(join(dir, 'artifacts'));
  const weather = EXAMPLE_DATASETS.seattleWeather;
  const { dataset } = await ingestFile(weather.path, weather.format, artifacts, mkdtempSync(join(dir, 'w-')));
  path = await artifacts.verifiedPath(dataset);
});

const boosted = { target: 'weather', algorithm: 'gradient-boosted-trees' as const, rounds: 30, testFraction: 0.2, seed: 42 };

describe('training in a worker thread', () => {
  it('gives the same model and metrics as training on the main thread, and reports each round', async () => {
    const rounds: unknown[] = [];
    const threaded = await trainModelInThread(path, boosted, (details) => {
      if (details?.iteration !== undefined) rounds.push(details.iteration);
    });
    const direct = await trainModel(path, boosted);
    expect(threaded.model).toEqual(direct.model);
    expect(threaded.metrics).toEqual(direct.metrics);
    expect(rounds.length).toBe(30);
  });

  it('fails with the trainer\'s own error kind (DataError is not retried)', async () => {
    const error = (await trainModelInThread(path, { ...boosted, target: 'no_such_column' }).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('DataError');
    expect(error.message).toContain('no_such_column');
  });

  it('stops the thread when the step is cancelled', async () => {
    const controller = new AbortController();
    let reports = 0;
    const training = trainModelInThread(path, { ...boosted, rounds: 5_000 }, () => {
      reports += 1;
      if (reports === 10) controller.abort(new Error('step cancelled'));
    }, controller.signal);
    await expect(training).rejects.toThrow('step cancelled');
    const reportsAtCancel = reports;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(reports).toBe(reportsAtCancel); // the thread is gone: no report arrives after the cancel
  });
});
