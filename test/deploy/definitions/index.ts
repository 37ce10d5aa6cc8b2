/**
 * The deploy test's pipeline, mounted over the image's starter definitions (/app/project/definitions):
 * it reads the starter's sample data through ingest (the metadata store in PostgreSQL), runs a slow
 * step that a killed worker container must hand over, and a step on the `train` queue that only the
 * step worker serves, and a Python step the python-worker image serves. Each step says which
 * container ran it (its hostname).
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { defineRegistry, definePipeline, defineStep, pythonStep } from '@cairn-ml/cairn';

const crunch = defineStep({
  name: 'crunch',
  config: z.strictObject({ seconds: z.number().positive() }),
  heartbeat: 'manual',
  run: async ({ config, run }, runtime) => {
    // The test finds the container to kill by this line in its log.
    console.log(`crunch ${run.runId} attempt ${runtime.attempt} on ${hostname()}`);
    const until = Date.now() + config.seconds * 1000;
    while (Date.now() < until) {
      runtime.heartbeat({ left: until - Date.now() });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return { host: hostname(), attempt: runtime.attempt };
  },
});

const whereAmI = defineStep({ name: 'where-am-i', run: () => ({ host: hostname() }) });

/** Served by the python-worker image (python/cairn_steps), from the module next to this file. */
const hottestSensor = pythonStep({ name: 'hottest-sensor', queue: 'python', module: join(import.meta.dirname, 'python', 'drill_steps.py') });

const drill = definePipeline({
  id: 'deploy-drill',
  description: 'Ingests the sample readings, crunches slowly on a pipelines worker, then reports from the train queue.',
  params: z.object({ seconds: z.number().positive().default(8) }),
  steps: {
    load: { activity: 'ingest', config: { source: join(import.meta.dirname, '..', 'data', 'readings.csv') } },
    crunch: { activity: crunch, after: ['load'], config: (p) => ({ seconds: p.seconds }), heartbeat: '3s', retry: { attempts: 3 } },
    train: { activity: whereAmI, after: ['crunch'], queue: 'train' },
    hottest: { activity: hottestSensor, after: ['load'] },
  },
});

export const registry = defineRegistry({
  pipelines: [drill],
  dataRoots: [join(import.meta.dirname, '..', 'data')],
});
