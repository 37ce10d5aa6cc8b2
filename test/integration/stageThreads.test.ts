import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_DATASETS } from '../../definitions/exampleData';
import { ArtifactStore } from '../../lib/artifacts/artifactStore';
import { ingestFile } from '../../lib/data/ingestFile';
import { runInThread, stageThreadsStarted } from '../../lib/threads/runInThread';
import { compareWithReference } from '../../lib/drift/compareWithReference';
import { DriftThresholdsSchema, type ColumnSample } from '../../lib/drift/driftReport';
import { readColumns } from '../../lib/drift/readColumns';
import { scoreOnDataset } from '../../lib/ml/scoreOnDataset';
import { trainModel } from '../../lib/ml/trainModel';
import { STAGE_THREAD_NICENESS } from '../../lib/threads/threadPriority';

// Promised (README, train, evaluate and drift; issue 19): the train stage fits, evaluate scores and
// the drift check compares in a worker thread, with the very same result as on the main thread, progress reported back, errors
// keeping their kind, and a cancelled step's thread stopped.
let path: string;
let artifacts: ArtifactStore;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-train-thread-'));
  artifacts = new ArtifactStore(join(dir, 'artifacts'));
  const weather = EXAMPLE_DATASETS.seattleWeather;
  const { dataset } = await ingestFile(weather.path, weather.format, artifacts, mkdtempSync(join(dir, 'w-')));
  path = await artifacts.verifiedPath(dataset);
});

const boosted = { target: 'weather', algorithm: 'gradient-boosted-trees' as const, rounds: 30, testFraction: 0.2, seed: 42 };

describe('scoring in a worker thread (evaluate)', () => {
  it('gives the same holdout metrics for a candidate and an incumbent as scoring on the main thread', async () => {
    const store = async (options: typeof boosted) => (await artifacts.put(Buffer.from(JSON.stringify((await trainModel(path, options)).model)), 'application/vnd.cairn.model+json')).uri;
    const input = { artifactsRoot: artifacts.root, model: await store(boosted), incumbent: await store({ ...boosted, rounds: 5 }), datasetPath: path, split: { testFraction: 0.2, seed: 42 } };
    const threaded = await runInThread('score', input);
    expect(threaded).toEqual(await scoreOnDataset(input));
    expect(threaded.rows).toBeGreaterThan(200);
    expect(threaded.incumbentMetrics).not.toEqual(threaded.metrics);
  });
});

describe('the drift comparison in a worker thread', () => {
  it('gives the same statistics as on the main thread, and finds a shift of 10 degrees', async () => {
    const modelUri = (await artifacts.put(Buffer.from(JSON.stringify((await trainModel(path, boosted)).model)), 'application/vnd.cairn.model+json')).uri;
    const { columns } = await readColumns(path, 'parquet');
    const warmer = new Map<string, ColumnSample>([...columns].map(([name, sample]) => [name, name === 'temp_max' && sample.kind === 'numeric' ? { kind: 'numeric', values: Float64Array.from(sample.values, (v) => v + 10) } : sample]));
    const input = { artifactsRoot: artifacts.root, modelUri, referencePath: path, current: { columns: warmer, predictions: ['sun', 'rain'] }, thresholds: DriftThresholdsSchema.parse({}) };
    const threaded = await runInThread('drift', input);
    expect(threaded).toEqual(await compareWithReference(input));
    expect(threaded.comparison.driftedFeatures).toContain('temp_max');
    expect(threaded.comparison.driftedFeatures).not.toContain('wind');
  });
});

describe('training in a worker thread', () => {
  it('gives the same model and metrics as training on the main thread, and reports each round', async () => {
    const rounds: unknown[] = [];
    const threaded = await runInThread('train', { datasetPath: path, options: boosted }, (details) => {
      if (details?.iteration !== undefined) rounds.push(details.iteration);
    });
    const direct = await trainModel(path, boosted);
    expect(threaded.model).toEqual(direct.model);
    expect(threaded.metrics).toEqual(direct.metrics);
    expect(rounds.length).toBe(30);
  });

  it('fails with the trainer\'s own error kind (DataError is not retried)', async () => {
    const error = (await runInThread('train', { datasetPath: path, options: { ...boosted, target: 'no_such_column' } }).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('DataError');
    expect(error.message).toContain('no_such_column');
  });

  it('stops the thread when the step is cancelled', async () => {
    const controller = new AbortController();
    let reports = 0;
    const training = runInThread('train', { datasetPath: path, options: { ...boosted, rounds: 5_000 } }, () => {
      reports += 1;
      if (reports === 10) controller.abort(new Error('step cancelled'));
    }, controller.signal);
    await expect(training).rejects.toThrow('step cancelled');
    const reportsAtCancel = reports;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(reports).toBe(reportsAtCancel); // the thread is gone: no report arrives after the cancel
  });

  it('reuses the thread of a finished task for the next one, and starts a new one after a cancel', async () => {
    const quick = { ...boosted, rounds: 2 };
    await runInThread('train', { datasetPath: path, options: quick });
    const before = stageThreadsStarted();
    await runInThread('train', { datasetPath: path, options: quick });
    await runInThread('train', { datasetPath: path, options: { ...quick, target: 'no_such_column' } }).catch(() => undefined);
    await runInThread('train', { datasetPath: path, options: quick });
    expect(stageThreadsStarted()).toBe(before); // one idle thread served all three, a failed task included

    const controller = new AbortController();
    const cancelled = runInThread('train', { datasetPath: path, options: { ...boosted, rounds: 5_000 } }, () => controller.abort(new Error('cancelled')), controller.signal);
    await expect(cancelled).rejects.toThrow('cancelled');
    await runInThread('train', { datasetPath: path, options: quick });
    expect(stageThreadsStarted()).toBe(before + 1); // the cancelled task's thread was terminated, not reused
  });
});

/** The niceness of each thread of this process, read from the kernel: field 19 of /proc/self/task/<tid>/stat. */
function threadNiceness(): Map<number, number> {
  return new Map(
    readdirSync('/proc/self/task').map((tid) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return [Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])] as const;
    }),
  );
}

describe.runIf(process.platform === 'linux')('stage thread priority (issue 19: the API answers while a model trains)', () => {
  it('runs the task in a thread of lower priority (niceness 10), leaving every other thread of the process as it was', async () => {
    const before = threadNiceness();
    let during: Map<number, number> | undefined;
    await runInThread('train', { datasetPath: path, options: boosted }, () => {
      during ??= threadNiceness();
    });
    expect(during).toBeDefined();
    // The thread running the task (new, or kept from an earlier task) is at niceness 10...
    const atStageNiceness = [...during!].filter(([tid, nice]) => nice === STAGE_THREAD_NICENESS && tid !== process.pid);
    expect(atStageNiceness.length).toBeGreaterThanOrEqual(1);
    // ...and any thread whose niceness changed changed to that: nothing else was touched.
    for (const [tid, nice] of before) if (during!.has(tid) && during!.get(tid) !== nice) expect(during!.get(tid), `thread ${tid}`).toBe(STAGE_THREAD_NICENESS);
    // The main thread (the API's and the workers' event loop) keeps its priority, through every task of this file.
    expect(during!.get(process.pid)).toBe(before.get(process.pid));
    expect(during!.get(process.pid)).toBeLessThan(STAGE_THREAD_NICENESS);
  });
});
