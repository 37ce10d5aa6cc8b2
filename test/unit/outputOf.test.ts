import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toActivity } from '../../activities/stepActivity';
import { defineStep, outputOf } from '../../lib/dsl';
import type { StepInput } from '../../lib/dsl/stepIo';
import { ConfigError } from '../../lib/errors';
import { scratchServices } from '../../lib/services';
import { activityEnvironment } from '../helpers/temporal';

// Promised (README, "Writing a pipeline"): a step reads an upstream output typed by what produced it,
// passed by reference (a step function or a stage name); the value is checked against that
// producer's output schema, and a step that is not upstream, was skipped or produced something else
// is a ConfigError naming it. A step that declares its output is held to it by the worker.
const sample = defineStep({
  name: 'test-sample',
  output: z.object({ values: z.array(z.number()) }),
  run: () => ({ values: [1, 2, 3] }),
});
const dataset = { uri: `cas://sha256/${'a'.repeat(64)}`, sha256: 'a'.repeat(64), size: 10, mediaType: 'application/vnd.apache.parquet' };

describe('outputOf', () => {
  it('types and checks an output by its producer', () => {
    const { values } = outputOf({ sample: { values: [1.5, 2] } }, 'sample', sample);
    const typed: number[] = values;
    expect(typed).toEqual([1.5, 2]);
    // @ts-expect-error the sampling step outputs no `mean`
    expect(outputOf({ sample: { values: [] } }, 'sample', sample).mean).toBeUndefined();
    const ingested = outputOf({ data: { dataset, profile: dataset, rows: 3, columns: [{ name: 'a', type: 'DOUBLE' }], source: { kind: 'file', format: 'csv' } } }, 'data', 'ingest');
    expect(ingested.dataset.sha256).toBe('a'.repeat(64));
  });

  it('names what is wrong: not upstream, skipped, something else', () => {
    expect(() => outputOf({ other: {} }, 'sample', sample)).toThrow(new ConfigError("'sample' is not an upstream step of this one (add it to `after`); upstream: other"));
    expect(() => outputOf({ sample: null }, 'sample', sample)).toThrow(/upstream step 'sample' was skipped/);
    expect(() => outputOf({ sample: { values: ['x'] } }, 'sample', sample)).toThrow(/did not produce what step function 'test-sample' outputs: values\.0: Invalid input: expected number/);
    expect(() => outputOf({ data: { rows: 3 } }, 'data', 'ingest')).toThrow(/what the ingest stage outputs: dataset/);
  });
});

describe('a declared output', () => {
  const input: StepInput = {
    run: { runId: 'r', temporalRunId: 't', pipeline: 'p', specHash: 'h', trigger: 'test', params: {}, logicalDate: '2026-12-02T00:00:00Z', step: 'make' },
    config: {},
    upstream: {},
  };

  it('is checked by the worker: an output that does not fit fails the step as a ConfigError', async () => {
    const liar = defineStep({ name: 'test-liar', output: z.object({ values: z.array(z.number()) }), run: () => ({ values: ['not a number'] }) as never });
    const failure = await activityEnvironment().run(toActivity(liar, scratchServices()), input).catch((error: unknown) => error);
    // ConfigError is among the step retry policy's non-retryable types: the run does not retry it.
    expect(failure).toMatchObject({ type: 'ConfigError' });
    expect((failure as Error).message).toMatch(/step 'make' \(test-liar\) returned an output that does not fit what it declares: output\.values\.0/);
    await expect(activityEnvironment().run(toActivity(sample, scratchServices()), input)).resolves.toEqual({ values: [1, 2, 3] });
  });
});
