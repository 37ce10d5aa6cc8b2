import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definePipeline, defineRegistry, defineStep, remoteStep } from '../../lib/dsl';
import { ConfigError } from '../../lib/errors';
import type { Store } from '../../lib/store/openStore';
import { parseConfig } from '../../lib/config';
import { startWorkers } from '../../workers/startWorkers';
import { assertServable, unservableSteps } from '../../workers/unservableSteps';
import { queuesByWorker } from '../../lib/dsl/registry';

// What a worker was promised: it refuses at start-up to host a step that needs the metadata store
// when it has none, naming the pipeline and step; a step on a queue it does not serve, a step other
// workers run, and any worker that has a store are no concern of this check.
const recordsSomething = defineStep({ name: 'records-something', needsStore: true, config: z.object({}), run: () => ({}) });
const registry = defineRegistry({
  pipelines: [
    definePipeline({
      id: 'needs-store',
      params: z.object({}),
      steps: {
        data: { activity: 'ingest', config: { source: './rows.csv' } },
        shape: { activity: 'noop', after: ['data'] },
        record: { activity: recordsSomething, after: ['data'], queue: 'records' },
        elsewhere: { activity: remoteStep('fit-elsewhere'), after: ['data'], queue: 'py' },
      },
    }),
  ],
});
const PIPELINES = { taskQueue: 'cairn-pipelines', runWorkflows: true };
const RECORDS = { taskQueue: 'cairn-records', runWorkflows: false };
const OTHER = { taskQueue: 'cairn-gpu', runWorkflows: false };
const aStore = {} as Store;

describe('a worker without a store refuses the steps that need one, at start-up', () => {
  it('names each step the queues it serves would be sent', () => {
    expect(unservableSteps(registry, [PIPELINES], { store: undefined })).toEqual(["pipeline 'needs-store' step 'data' (ingest)"]);
    expect(unservableSteps(registry, [RECORDS], { store: undefined })).toEqual(["pipeline 'needs-store' step 'record' (records-something)"]);
    expect(unservableSteps(registry, [PIPELINES, RECORDS], { store: undefined })).toHaveLength(2);
  });

  it('has nothing to say about other queues, or when the worker has a store', () => {
    expect(unservableSteps(registry, [OTHER], { store: undefined })).toEqual([]);
    expect(unservableSteps(registry, [PIPELINES, RECORDS], { store: aStore })).toEqual([]);
  });

  it('startWorkers fails before it connects, with a ConfigError saying what to do', async () => {
    const cfg = parseConfig({});
    // Port 1 has no Temporal: had the check not run first, the error would be a connection failure instead.
    const refused = startWorkers({ cfg, address: '127.0.0.1:1', store: undefined, registry, queues: [PIPELINES] });
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    await expect(refused).rejects.toThrow(/no metadata store.*pipeline 'needs-store' step 'data' \(ingest\).*Set DATABASE_URL/);
  });
});

describe('a queue is served by Cairn\'s workers or by another worker, never both', () => {
  const pipeline = (steps: Parameters<typeof definePipeline>[0]['steps']) => definePipeline({ id: 'queues', params: z.object({}), steps });
  it('knows which queues are whose', () => {
    expect(queuesByWorker(registry.pipelines.values())).toEqual({ cairn: ['records'], remote: ['py'] });
  });

  it('refuses a remoteStep without a queue, and a queue shared by both kinds, naming the steps', () => {
    expect(() => defineRegistry({ pipelines: [pipeline({ fit: { activity: remoteStep('fit-sklearn') } })] })).toThrow(
      /pipeline 'queues' step 'fit' is a remoteStep: give it the `queue` its own worker polls/,
    );
    expect(() =>
      defineRegistry({ pipelines: [pipeline({ fit: { activity: remoteStep('fit-sklearn'), queue: 'py' }, keep: { activity: recordsSomething, queue: 'py', after: ['fit'] } })] }),
    ).toThrow(/queue 'py' has a remoteStep and a step Cairn's workers run \(pipeline 'queues' step 'fit' and pipeline 'queues' step 'keep'\)/);
  });

  it("refuses to poll a remote step's queue: its own worker (Python) runs those", () => {
    expect(() => assertServable(registry, [{ taskQueue: 'cairn-py', runWorkflows: false }], { store: aStore })).toThrow(
      /cairn-py: the definitions send remote steps \(pythonStep, remoteStep\) there, which this worker cannot run/,
    );
    expect(() => assertServable(registry, [PIPELINES, RECORDS, OTHER], { store: aStore })).not.toThrow();
  });
});
