import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnvironment, type PipelineTestEnvironment } from '@cairn-ml/cairn/testing';
import { registry } from '../definitions';

// A real Temporal test server that skips time, and a real worker running this project's steps.
let env: PipelineTestEnvironment;
beforeAll(async () => {
  env = await createTestEnvironment({ registry });
});
afterAll(async () => {
  await env?.teardown();
});

describe('readings-check', () => {
  it('checks the sample readings and publishes them once approved, a day later', async () => {
    const run = await env.start('readings-check');
    const waiting = await run.waitFor((state) => state.steps.some((step) => step.name === 'publish' && step.status === 'awaiting_approval'));
    expect(waiting.steps.find((step) => step.name === 'check')?.output).toEqual({ rows: 144, hottest: expect.any(Number), sensors: 3 });
    // Three sensors over two days: six daily means, stored as a dataset.
    expect(waiting.steps.find((step) => step.name === 'daily')?.output).toMatchObject({ rows: 6, columns: [{ name: 'sensor' }, { name: 'day' }, { name: 'meanTemperature' }, { name: 'readings' }] });

    await env.sleep('1 day'); // the approval window is 2 days: the test server skips the wait
    await run.approve('publish', 'looks right');
    const result = await run.result();
    expect(result.steps.map((step) => [step.name, step.status])).toEqual([
      ['load', 'succeeded'],
      ['check', 'succeeded'],
      ['daily', 'succeeded'],
      ['publish', 'succeeded'],
    ]);
  });

  it('with publish=false, checks the readings and skips publishing, asking no one', async () => {
    const result = await (await env.start('readings-check', { publish: false })).result();
    expect(result.status).toBe('succeeded');
    const publish = result.steps.find((step) => step.name === 'publish');
    expect(publish?.status).toBe('skipped');
    expect(publish?.operatorNotes).toEqual(['skipped: param publish is false; this step runs when it is true']);
  });

  it('stops at the check when a reading is out of range, and waits for an operator', async () => {
    const run = await env.start('readings-check', { maxTemperature: 10 });
    const state = await run.waitFor((s) => s.status === 'awaiting_operator');
    const check = state.steps.find((step) => step.name === 'check');
    expect(check?.error?.type).toBe('DataError');
    expect(check?.error?.message).toMatch(/above 10 °C/);
  });
});
