/**
 * Records workflow histories for the replay test (test/integration/replay.test.ts): runs each
 * scenario on a private Temporal dev server and saves its history to test/fixtures/histories/.
 * Keep the files already there (they prove old runs still replay); add new scenarios by name:
 *   npm run record-histories -- rerun
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { z } from 'zod';
import { createActivities } from '../activities';
import { toActivity } from '../activities/stepActivity';
import { definePipeline, defineRegistry, defineStep } from '../lib/dsl';
import type { Pipeline } from '../lib/dsl/definePipeline';
import { config } from '../lib/config';
import { DataError, InfrastructureError } from '../lib/errors';
import { rerunFromStep } from '../lib/runs/rerunFromStep';
import { startRun } from '../lib/runs/startRun';
import { scratchServices } from '../lib/services';
import { connectClient } from '../lib/temporal';
import { resolveTemporalCli, startDevServer } from '../lib/temporalDevServer';
import { abortRunUpdate, approveStepUpdate, retryStepUpdate, runStateQuery, skipStepUpdate } from '../lib/runContract/messages';
import { createPipelineWorker } from '../workers/createWorker';

const OUT = fileURLToPath(new URL('../test/fixtures/histories/', import.meta.url));
const TASK_QUEUE = 'record-histories';

const alwaysFails = defineStep({ name: 'always-fails', run: () => { throw new Error('source unavailable'); } });
/** A step lost to infrastructure on its first call, failing on its second, returning `output` from its third. */
function flakyStep(name: string, output: () => Record<string, string | boolean>) {
  let calls = 0;
  return defineStep({
    name,
    run: () => {
      calls += 1;
      if (calls === 1) throw new InfrastructureError('the store did not answer');
      if (calls === 2) throw new Error('a flaky failure of the step');
      return output();
    },
  });
}
/** step-attempts: its output is too large to travel inline. */
const flaky = flakyStep('flaky', () => ({ text: 'x'.repeat(40 * 1024) }));
const plainFlaky = flakyStep('plain-flaky', () => ({ ok: true }));
/** For plain-steps: fails its first round, so an operator retries it. */
let failsOnceCalls = 0;
const failsOnce = defineStep({
  name: 'fails-once',
  run: () => {
    failsOnceCalls += 1;
    if (failsOnceCalls === 1) throw new Error('the first try fails');
    return { ok: true };
  },
});
/** when-stored-output: a verdict beside a report too large to travel inline. */
const largeVerdict = defineStep({ name: 'large-verdict', run: () => ({ promote: true, report: 'x'.repeat(40 * 1024) }) });
/** when-list-item: checks as a list, the first passed and the second not. */
const listedVerdict = defineStep({ name: 'listed-verdict', run: () => ({ checks: [{ passed: true }, { passed: false }] }) });
const badData = defineStep({ name: 'bad-data', run: () => { throw new DataError('row 7 is bad'); } });
const noParams = z.object({});
const scenarios: Record<string, Pipeline> = {
  diamond: definePipeline({
    id: 'diamond',
    params: z.object({ n: z.number().default(1) }),
    steps: { top: { activity: 'noop' }, left: { activity: 'noop', after: ['top'] }, right: { activity: 'noop', after: ['top'] }, bottom: { activity: 'noop', after: ['left', 'right'] } },
  }),
  'retry-then-skip': definePipeline({
    id: 'retry-then-skip',
    params: noParams,
    steps: {
      fetch: { activity: alwaysFails, retry: { attempts: 1 } },
      tolerant: { activity: 'noop', after: ['fetch'] },
      strict: { activity: 'noop', after: ['fetch'], whenUpstreamSkipped: 'skip' },
    },
  }),
  abort: definePipeline({ id: 'abort', params: noParams, steps: { wait: { activity: 'sleep', config: { ms: 60_000 }, heartbeat: '2s' } } }),
  cancel: definePipeline({ id: 'cancel', params: noParams, steps: { wait: { activity: 'sleep', config: { ms: 60_000 }, heartbeat: '2s' } } }),
  'step-attempts': definePipeline({
    id: 'step-attempts',
    params: noParams,
    steps: { flaky: { activity: flaky, retry: { attempts: 3, backoff: { initial: '100ms' } } }, after: { activity: 'noop', after: ['flaky'] } },
  }),
  'failed-run': definePipeline({ id: 'failed-run', params: noParams, onFailure: { mode: 'fail' }, steps: { first: { activity: 'noop' }, bad: { activity: badData, after: ['first'] } } }),
  // Regular steps (activity tasks) recorded with the counted scheduler (runPipeline's COUNTED_SCHEDULER_PATCH).
  'fan-out': definePipeline({
    id: 'fan-out',
    params: noParams,
    steps: {
      top: { activity: 'noop', light: false },
      a: { activity: 'noop', light: false, after: ['top'] },
      b: { activity: 'noop', light: false, after: ['top'] },
      c: { activity: 'noop', light: false, after: ['top'] },
      d: { activity: 'noop', light: false, after: ['a', 'b'] },
      e: { activity: 'noop', light: false, after: ['c'] },
      bottom: { activity: 'noop', light: false, after: ['d', 'e', 'top'] },
    },
  }),
  // Plain steps started on the fast path (runSteps' PLAIN_STEP_PATCH), light and regular: retries
  // within a round (an infrastructure failure, then a failure of the step) and an operator's retry.
  'plain-steps': definePipeline({
    id: 'plain-steps',
    params: noParams,
    steps: {
      top: { activity: 'noop' },
      flaky: { activity: plainFlaky, light: false, retry: { attempts: 3, backoff: { initial: '100ms' } }, after: ['top'] },
      once: { activity: failsOnce, light: true, retry: { attempts: 1 }, after: ['top'] },
      side: { activity: 'noop', light: false, after: ['top'] },
      bottom: { activity: 'noop', after: ['flaky', 'once', 'side'] },
    },
  }),
  // A map whose items wait for an operator when the run is aborted (runSteps' MAP_ABORT_PATCH).
  'abort-map': definePipeline({
    id: 'abort-map',
    params: z.object({ items: z.array(z.number()).default([1, 2, 3]) }),
    steps: { each: { activity: badData, retry: { attempts: 1 }, map: { over: { param: 'items' } } }, after: { activity: 'noop', after: ['each'] } },
  }),
  // Conditions on an output kept in the artifact store, decided by a local activity (STORED_OUTPUT_CONDITION_PATCH).
  'when-stored-output': definePipeline({
    id: 'when-stored-output',
    params: noParams,
    steps: {
      score: { activity: largeVerdict },
      ship: { activity: 'noop', after: ['score'], when: { step: 'score', field: 'promote' } },
      hold: { activity: 'noop', after: ['score'], when: { step: 'score', field: 'promote', equals: false } },
    },
  }),
  // A condition on a list's item of an inline output (runSteps' WHEN_INDEXES_LISTS_PATCH).
  'when-list-item': definePipeline({
    id: 'when-list-item',
    params: noParams,
    steps: {
      score: { activity: listedVerdict },
      ship: { activity: 'noop', after: ['score'], when: { step: 'score', field: 'checks.0.passed' } },
      hold: { activity: 'noop', after: ['score'], when: { step: 'score', field: 'checks.1.passed' } },
    },
  }),
  approve: definePipeline({ id: 'approve', params: noParams, steps: { build: { activity: 'noop' }, ship: { activity: 'noop', after: ['build'], approval: { timeout: '1h' } } } }),
};

async function main() {
  const cfg = config();
  const server = await startDevServer({ cliPath: resolveTemporalCli(cfg.TEMPORAL_CLI_PATH), port: 'any' });
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const connection = await NativeConnection.connect({ address: server.address });
  const registry = defineRegistry({ pipelines: Object.values(scenarios) });
  // One artifact store for every step, as workers sharing CAIRN_ARTIFACTS_DIR have: large outputs travel through it.
  const services = scratchServices();
  const worker = await createPipelineWorker({
    connection,
    namespace: 'default',
    taskQueue: TASK_QUEUE,
    activities: { ...createActivities(registry, services), ...Object.fromEntries([alwaysFails, flaky, plainFlaky, failsOnce, badData, largeVerdict, listedVerdict].map((step) => [step.name, toActivity(step, services)])) },
    runWorkflows: true,
  });
  const running = worker.run();
  const client = await connectClient({ TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default' });
  const waitFor = async (check: () => Promise<boolean>) => {
    while (!(await check())) await new Promise((r) => setTimeout(r, 100));
  };
  mkdirSync(OUT, { recursive: true });
  try {
    const only = process.argv.slice(2);
    for (const [name, pipeline] of Object.entries(scenarios)) {
      if (only.length > 0 && !only.includes(name) && !(name === 'diamond' && only.includes('rerun'))) continue;
      const { handle } = await startRun(client, { pipeline, trigger: 'record', taskQueue: TASK_QUEUE, key: name });
      const stepStatus = async (step: string) => (await handle.query(runStateQuery)).steps.find((s) => s.name === step)?.status;
      if (name === 'retry-then-skip') {
        await waitFor(async () => (await stepStatus('fetch')) === 'awaiting_operator');
        await handle.executeUpdate(retryStepUpdate, { args: [{ step: 'fetch', reason: 'try again' }] });
        await waitFor(async () => (await handle.query(runStateQuery)).steps[0]?.round === 2 && (await stepStatus('fetch')) === 'awaiting_operator');
        await handle.executeUpdate(skipStepUpdate, { args: [{ step: 'fetch', reason: 'give up' }] });
      } else if (name === 'plain-steps') {
        await waitFor(async () => (await stepStatus('once')) === 'awaiting_operator');
        await handle.executeUpdate(retryStepUpdate, { args: [{ step: 'once', reason: 'try again' }] });
      } else if (name === 'approve') {
        await waitFor(async () => (await stepStatus('ship')) === 'awaiting_approval');
        await handle.executeUpdate(approveStepUpdate, { args: [{ step: 'ship', by: 'alice', reason: 'looks right' }] });
      } else if (name === 'abort-map') {
        await waitFor(async () => (await handle.query(runStateQuery)).steps[0]?.map?.awaitingOperator === 3);
        await handle.executeUpdate(abortRunUpdate, { args: [{ reason: 'wrong items' }] });
      } else if (name === 'abort' || name === 'cancel') {
        await waitFor(async () => (await stepStatus('wait')) === 'running');
        await new Promise((r) => setTimeout(r, 500));
        if (name === 'abort') await handle.executeUpdate(abortRunUpdate, { args: [{ reason: 'wrong input' }] });
        else await handle.cancel();
      }
      await handle.result().catch(() => undefined);
      if (only.length === 0 || only.includes(name)) {
        writeFileSync(`${OUT}${name}.json`, historyToJSON(await handle.fetchHistory()));
        console.log(`recorded ${name}`);
      }
      if (name === 'diamond' && (only.length === 0 || only.includes('rerun'))) {
        const rerun = await rerunFromStep(client, handle.workflowId, 'left', TASK_QUEUE);
        await rerun.handle.result();
        writeFileSync(`${OUT}rerun.json`, historyToJSON(await rerun.handle.fetchHistory()));
        console.log('recorded rerun');
      }
    }
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await server.stop();
  }
}

await main();
