/**
 * Outputs that add up past Temporal's 2 MiB payload limit. Promised: a step output over 32 KiB
 * travels by reference (the artifact store), downstream steps and the API see the output itself,
 * and what still cannot fit fails the step for an operator with the step and the size named,
 * instead of a run stuck as running.
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { noop } from '../../activities/noop';
import { sleep } from '../../activities/sleep';
import { shaOfUri } from '../../lib/artifacts/artifactRef';
import { conditionActivities } from '../../activities/conditionActivities';
import { toActivity, type StepActivity } from '../../activities/stepActivity';
import { isOutputRef, OUTPUT_INLINE_LIMIT_BYTES } from '../../lib/artifacts/outputRef';
import { defineStep, definePipeline } from '../../lib/dsl';
import { describeRun } from '../../lib/runs/describeRun';
import { startRun } from '../../lib/runs/startRun';
import { scratchServices } from '../../lib/services';
import { abortRunUpdate, retryStepUpdate, runStateQuery, skipStepUpdate } from '../../lib/runContract/messages';
import { connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';

const services = scratchServices();
/** Returns `kib` KiB of text that depends on the step's name, so every output is different. */
const blob = defineStep({
  name: 'test-blob',
  config: z.object({ kib: z.number() }),
  run: ({ run, config }) => ({ step: run.step, text: run.step.padEnd(config.kib * 1024, '.') }),
});
/** Checks it received each upstream output whole, and returns their digests. */
const gather = defineStep({
  name: 'test-gather',
  run: ({ upstream }) => ({
    received: Object.fromEntries(
      Object.entries(upstream).map(([name, output]) => {
        const text = (output as { text: string }).text;
        return [name, { bytes: text.length, startsRight: text.startsWith(name), sha256: createHash('sha256').update(text).digest('hex') }];
      }),
    ),
  }),
});

/** A small verdict and its checks beside a report (40 KiB by default, so the output travels by reference), as a scoring step might return. */
const verdict = defineStep({
  name: 'test-verdict',
  config: z.object({ promote: z.boolean(), reportKib: z.number().default(40) }),
  run: ({ config }) => ({ gate: { promote: config.promote }, checks: [{ passed: true }, { passed: config.promote }], report: 'x'.repeat(config.reportKib * 1024) }),
});

let env: TestWorkflowEnvironment;
let worker: RunningWorker;

beforeAll(async () => {
  env = await connectTestEnv();
  worker = await startTestWorker(env, {
    [blob.name]: toActivity(blob, services),
    [gather.name]: toActivity(gather, services),
    [verdict.name]: toActivity(verdict, services),
    noop: toActivity(noop, services),
    sleep: toActivity(sleep, services),
    ...(conditionActivities(services) as unknown as Record<string, StepActivity>),
  });
});
afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

describe('step outputs past the payload limit', () => {
  it('runs 50 parallel steps of 250 KiB and a fan-in of 20 of them to success; the API shows the outputs themselves', async () => {
    const producers = Array.from({ length: 50 }, (_, i) => `p${i}`);
    const steps = [
      ...producers.map((name) => ({ name, activity: blob, config: { kib: 250 } })),
      { name: 'fanIn', activity: gather, after: producers.slice(0, 20) },
    ];
    const pipeline = definePipeline({ id: 'big-outputs', params: z.object({}), steps });
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue: worker.taskQueue });
    const result = await run.handle.result();
    expect(result.status).toBe('succeeded');
    // The workflow held references, each far smaller than the output.
    expect(isOutputRef(result.outputs.p0)).toBe(true);
    expect(JSON.stringify(result).length).toBeLessThan(200 * 1024);
    // The fan-in step got every one of its 20 upstream outputs whole.
    const received = (result.outputs.fanIn as { received: Record<string, { bytes: number; startsRight: boolean }> }).received;
    expect(Object.keys(received).sort()).toEqual(producers.slice(0, 20).sort());
    for (const entry of Object.values(received)) expect(entry).toMatchObject({ bytes: 250 * 1024, startsRight: true });
    // The API resolves references: a reader sees the output, not the claim check.
    const view = await describeRun(env.client, run.runId, { artifacts: services.artifacts });
    const p7 = view.steps?.find((s) => s.name === 'p7')?.output as { step: string; text: string };
    expect(p7.step).toBe('p7');
    expect(p7.text).toHaveLength(250 * 1024);
  });

  it('keeps a small output inline', async () => {
    const pipeline = definePipeline({ id: 'small-output', params: z.object({}), steps: { small: { activity: blob, config: { kib: 1 } } } });
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue: worker.taskQueue });
    const output = (await run.handle.result()).outputs.small as { text: string };
    expect(output.text).toHaveLength(1024);
    expect(OUTPUT_INLINE_LIMIT_BYTES).toBe(32 * 1024);
  });

  it('an input that still cannot fit (70 inline outputs of 30 KiB into one step) waits for an operator, step and size named', async () => {
    const producers = Array.from({ length: 70 }, (_, i) => `q${i}`);
    const steps = [...producers.map((name) => ({ name, activity: blob, config: { kib: 30 } })), { name: 'tooMuch', activity: gather, after: producers }];
    const pipeline = definePipeline({ id: 'too-much', params: z.object({}), steps });
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue: worker.taskQueue });
    const step = await waitFor(async () => (await run.handle.query(runStateQuery)).steps.find((s) => s.name === 'tooMuch' && s.status === 'awaiting_operator'), 'the fan-in step to wait for an operator');
    expect(step.error?.type).toBe('PayloadTooLarge');
    expect(step.error?.message).toMatch(/step 'tooMuch' cannot start: its input .* is \d+ bytes, over the \d+-byte limit/);
    // The run is not stuck: it answers, and abort works.
    await run.handle.executeUpdate(abortRunUpdate, { args: [{ reason: 'too big' }] });
    await expect(run.handle.result()).rejects.toThrow();
    const view = await describeRun(env.client, run.runId);
    expect(view.status).toBe('failed');
    expect(view.steps?.find((s) => s.name === 'tooMuch')?.error?.type).toBe('PayloadTooLarge');
  });

  it("decides a step's when on an output that travelled by reference by reading the output itself", async () => {
    const pipeline = definePipeline({
      id: 'when-on-large-output',
      params: z.object({}),
      steps: {
        score: { activity: verdict, config: { promote: true } },
        ship: { activity: 'noop', after: ['score'], when: { step: 'score', field: 'gate.promote' } },
        hold: { activity: 'noop', after: ['score'], when: { step: 'score', field: 'gate.promote', equals: false } },
        unlessHeld: { activity: 'noop', after: ['score'], when: { step: 'score', field: 'gate.promote', notEquals: true } },
        absent: { activity: 'noop', after: ['score'], when: { step: 'score', field: 'gate.reason', notEquals: 'stale' } },
      },
    });
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue: worker.taskQueue });
    const result = await run.handle.result();
    expect(isOutputRef(result.outputs.score)).toBe(true);
    expect(Object.fromEntries(result.steps.map((s) => [s.name, s.status]))).toEqual({ score: 'succeeded', ship: 'succeeded', hold: 'skipped', unlessHeld: 'skipped', absent: 'succeeded' });
    const notes = (name: string) => result.steps.find((s) => s.name === name)?.operatorNotes;
    expect(notes('hold')).toEqual(["skipped: step 'score' gave gate.promote = true; this step runs when gate.promote is false"]);
    expect(notes('unlessHeld')).toEqual(["skipped: step 'score' gave gate.promote = true; this step runs unless gate.promote is true"]);
  });

  it('holds a step whose when reads a stored output that is gone for an operator, naming it; skip goes on', async () => {
    const pipeline = definePipeline({
      id: 'when-on-missing-output',
      params: z.object({}),
      steps: {
        score: { activity: verdict, config: { promote: true } },
        wait: { activity: 'sleep', after: ['score'], config: { ms: 1_500 } },
        ship: { activity: 'noop', after: ['score', 'wait'], when: { step: 'score', field: 'gate.promote' } },
      },
    });
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue: worker.taskQueue });
    // The output is stored once score finishes; it disappears from the store before ship decides.
    const stored = await waitFor(async () => {
      const output = (await run.handle.query(runStateQuery)).steps.find((s) => s.name === 'score')?.output;
      return isOutputRef(output) ? output : undefined;
    }, 'score to store its output');
    await rm(services.artifacts.pathOf(shaOfUri(stored.$cairnOutput) as string));
    const step = await waitFor(async () => (await run.handle.query(runStateQuery)).steps.find((s) => s.name === 'ship' && s.status === 'awaiting_operator'), 'ship to wait for an operator');
    expect(step.error?.type).toBe('DataError');
    expect(step.error?.message).toMatch(/^step 'ship' cannot decide its when: step 'score' gave an output of \d+ bytes, kept as cas:\/\/sha256\/[0-9a-f]{64}, which could not be read: artifact .* is not in the store/);
    // Retried, it reads again and fails again (a round of its own); skipped, the run finishes.
    await run.handle.executeUpdate(retryStepUpdate, { args: [{ step: 'ship', reason: 'try again' }] });
    await waitFor(async () => (await run.handle.query(runStateQuery)).steps.find((s) => s.name === 'ship' && s.status === 'awaiting_operator' && s.round === 1), 'the retried read to fail again');
    await run.handle.executeUpdate(skipStepUpdate, { args: [{ step: 'ship', reason: 'output lost' }] });
    const result = await run.handle.result();
    expect(result.status).toBe('succeeded');
    expect(result.steps.find((s) => s.name === 'ship')?.status).toBe('skipped');
  });

  it("reads a list's item where a when field names its index, from an inline output and from a stored one", async () => {
    const onLists = (from: string) => ({
      [`${from}First`]: { activity: 'noop' as const, after: [from], when: { step: from, field: 'checks.0.passed' } },
      [`${from}Second`]: { activity: 'noop' as const, after: [from], when: { step: from, field: 'checks.1.passed' } },
      [`${from}Third`]: { activity: 'noop' as const, after: [from], when: { step: from, field: 'checks.2.passed', notEquals: true } },
    });
    const pipeline = definePipeline({
      id: 'when-on-list-items',
      params: z.object({}),
      steps: { inline: { activity: verdict, config: { promote: false, reportKib: 0 } }, stored: { activity: verdict, config: { promote: false } }, ...onLists('inline'), ...onLists('stored') },
    });
    const result = await (await startRun(env.client, { pipeline, trigger: 'test', taskQueue: worker.taskQueue })).handle.result();
    expect(isOutputRef(result.outputs.inline)).toBe(false);
    expect(isOutputRef(result.outputs.stored)).toBe(true);
    const status = Object.fromEntries(result.steps.map((s) => [s.name, s.status]));
    for (const from of ['inline', 'stored']) {
      expect([status[`${from}First`], status[`${from}Second`], status[`${from}Third`]], from).toEqual(['succeeded', 'skipped', 'succeeded']);
      expect(result.steps.find((s) => s.name === `${from}Second`)?.operatorNotes).toEqual([`skipped: step '${from}' gave checks.1.passed = false; this step runs when checks.1.passed is true`]);
    }
  });
});
