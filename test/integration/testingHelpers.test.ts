import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRegistry, definePipeline, defineStep } from '../../lib/dsl';
import { createTestEnvironment, type PipelineTestEnvironment } from '../../lib/testing';

// Promised (README, "Your own project"): createTestEnvironment runs a project's registry on the
// time-skipping test server with a real worker; approvals, retries and skips work as in production,
// and waiting days costs nothing.
let attempts = 0;
const flaky = defineStep({
  name: 'flaky-export',
  run: () => {
    attempts += 1;
    throw new Error('warehouse unavailable');
  },
});
const registry = defineRegistry({
  pipelines: [
    definePipeline({
      id: 'gated',
      params: z.object({}),
      steps: { prepare: { activity: 'noop' }, ship: { activity: 'noop', after: ['prepare'], approval: { timeout: '3d' } } },
    }),
    definePipeline({ id: 'flaky', params: z.object({}), steps: { export: { activity: flaky, retry: { attempts: 2, backoff: { initial: '1s' } } }, report: { activity: 'noop', after: ['export'] } } }),
  ],
});

let env: PipelineTestEnvironment;
beforeAll(async () => {
  env = await createTestEnvironment({ registry });
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

describe('the testing helpers (@cairn-ml/cairn/testing)', () => {
  it('skips two days of an approval window at once, then runs the approved step', async () => {
    expect(env.timeSkipping).toBe(true);
    const run = await env.start('gated');
    await run.waitFor((s) => s.steps.some((step) => step.name === 'ship' && step.status === 'awaiting_approval'));
    const before = Date.now();
    await env.sleep('2 days');
    expect(Date.now() - before).toBeLessThan(30_000); // two days of the server's clock, not of ours
    await run.approve('ship', 'looks right');
    const result = await run.result();
    expect(Object.fromEntries(result.steps.map((s) => [s.name, s.status]))).toEqual({ prepare: 'succeeded', ship: 'succeeded' });
  });

  it("lets a test act as the operator: a step out of retries waits, and skipping it finishes the run", async () => {
    attempts = 0;
    const run = await env.start('flaky');
    await run.waitFor((s) => s.status === 'awaiting_operator');
    expect(attempts).toBe(2);
    await run.skip('export', 'the warehouse is down for the day');
    const result = await run.result();
    expect(Object.fromEntries(result.steps.map((s) => [s.name, s.status]))).toEqual({ export: 'skipped', report: 'succeeded' });
  });

  it('names the pipelines it has when asked for one it does not', async () => {
    await expect(env.start('nope')).rejects.toThrow("no pipeline 'nope' in the registry (it has: gated, flaky)");
  });
});
