import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { z } from 'zod';
import { definePipeline, remoteStep } from '../../lib/dsl';
import { startRun } from '../../lib/runs/startRun';
import { connectTestEnv, uniqueQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';
import { logLines, WorkerProcesses } from '../helpers/workerProcess';

let env: TestWorkflowEnvironment;
const workers = new WorkerProcesses();
const spawnWorker = (taskQueue: string, logPath: string) => workers.spawn(taskQueue, logPath);

beforeAll(async () => {
  env = await connectTestEnv();
});
afterEach(() => workers.killAll());
afterAll(async () => {
  await env?.teardown();
});

const sideEffect = <const A extends string = never>(after: readonly A[], ms: number) => ({
  activity: remoteStep('side-effect'),
  after,
  config: { ms },
  heartbeat: '1s' as const,
  retry: { attempts: 5, backoff: { initial: '200ms' as const } },
});

describe('worker processes', () => {
  it('two worker processes share one task queue', async () => {
    const taskQueue = uniqueQueue('shared');
    const logPath = join(inject('testDir'), `${taskQueue}.log`);
    writeFileSync(logPath, '');
    const [first, second] = [await spawnWorker(taskQueue, logPath), await spawnWorker(taskQueue, logPath)];
    const branches = Array.from({ length: 12 }, (_, i) => ({ name: `b${i}`, ...sideEffect([], 400) }));
    const pipeline = definePipeline({ id: 'shared-queue', params: z.object({}), steps: branches });
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue });
    expect((await run.handle.result()).status).toBe('succeeded');
    const donePids = new Set(logLines(logPath).filter(([e]) => e === 'done').map(([, , , pid]) => Number(pid)));
    expect(donePids).toEqual(new Set([first.pid, second.pid]));
  });

  it('a worker killed with SIGKILL mid-step: the run completes on another worker, each step done exactly once', async () => {
    const taskQueue = uniqueQueue('crash');
    const logPath = join(inject('testDir'), `${taskQueue}.log`);
    writeFileSync(logPath, '');
    const victim = await spawnWorker(taskQueue, logPath);
    const pipeline = definePipeline({
      id: 'crash',
      params: z.object({}),
      steps: { extract: sideEffect([], 0), train: sideEffect(['extract'], 4_000), publish: sideEffect(['train'], 0) },
    });
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue });
    await waitFor(() => logLines(logPath).some(([e, step]) => e === 'start' && step === 'train'), 'train to start');
    victim.kill('SIGKILL');
    await waitFor(() => victim.exitCode !== null || victim.signalCode !== null, 'victim to die');
    const survivor = await spawnWorker(taskQueue, logPath);

    const result = await run.handle.result();
    expect(result.status).toBe('succeeded');
    const lines = logLines(logPath);
    const count = (event: string, step: string) => lines.filter(([e, s]) => e === event && s === step).length;
    // extract finished before the crash and is not run again; train restarts once; publish runs once.
    expect([count('start', 'extract'), count('done', 'extract')]).toEqual([1, 1]);
    expect([count('start', 'train'), count('done', 'train')]).toEqual([2, 1]);
    expect([count('start', 'publish'), count('done', 'publish')]).toEqual([1, 1]);
    const trainDone = lines.find(([e, s]) => e === 'done' && s === 'train');
    expect(Number(trainDone?.[3])).toBe(survivor.pid);
    // The lost worker is infrastructure: the step runs again without using up one of its attempts.
    expect(Number(trainDone?.[2])).toBe(1);
    expect(result.steps.find((s) => s.name === 'train')).toMatchObject({ status: 'succeeded', attempts: 1, infrastructureRetries: 1 });
    expect((result.outputs.publish as { pid: number }).pid).toBe(survivor.pid);
  });

  it('SIGTERM shuts a worker down gracefully: the step in flight finishes first', async () => {
    const taskQueue = uniqueQueue('sigterm');
    const logPath = join(inject('testDir'), `${taskQueue}.log`);
    writeFileSync(logPath, '');
    const worker = await spawnWorker(taskQueue, logPath);
    const pipeline = definePipeline({ id: 'graceful', params: z.object({}), steps: { work: sideEffect([], 1_500) } });
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue });
    await waitFor(() => logLines(logPath).some(([e]) => e === 'start'), 'step to start');
    worker.kill('SIGTERM');
    await waitFor(() => worker.exitCode !== null, 'worker to exit', 20_000);
    expect(worker.exitCode).toBe(0);
    const events = logLines(logPath).map(([e, step]) => (e === 'start' || e === 'done' ? `${e} ${step}` : e));
    expect(events).toEqual(['ready', 'start work', 'done work', 'stopped']);
    // The step completed before the worker left; a new worker only has the workflow's last task to run.
    await spawnWorker(taskQueue, logPath);
    expect((await run.handle.result()).status).toBe('succeeded');
    expect(logLines(logPath).filter(([e]) => e === 'start')).toHaveLength(1);
  });
});
