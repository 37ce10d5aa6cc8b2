import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compile, definePipeline, defineStep, validatePipeline } from '../../lib/dsl';
import { ParamsError, PipelineDefinitionError } from '../../lib/errors';

const noParams = z.object({});
const problem = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PipelineDefinitionError);
    return (error as Error).message;
  }
  throw new Error('expected a PipelineDefinitionError');
};

describe('compile()', () => {
  it('orders steps topologically, keeping declaration order where edges allow', () => {
    const pipeline = definePipeline({
      id: 'order',
      params: noParams,
      steps: [
        { name: 'report', activity: 'noop', after: ['left', 'right'] },
        { name: 'right', activity: 'noop', after: ['source'] },
        { name: 'source', activity: 'noop' },
        { name: 'left', activity: 'noop', after: ['source'] },
      ],
    });
    expect(compile(pipeline).spec.steps.map((s) => s.name)).toEqual(['source', 'right', 'left', 'report']);
  });

  it("refuses a pipeline larger than one run's history can hold, saying what to do instead", () => {
    const wide = definePipeline({ id: 'too-wide', params: z.object({}), steps: Array.from({ length: 2_001 }, (_, i) => ({ name: `s${i}`, activity: 'noop' as const })) });
    expect(() => compile(wide, {})).toThrow(/has 2001 steps; one run holds at most 2000 \(Temporal ends a run at 51200 history events.*split it into pipelines/);
    const fits = definePipeline({ id: 'fits', params: z.object({}), steps: Array.from({ length: 2_000 }, (_, i) => ({ name: `s${i}`, activity: 'noop' as const })) });
    expect(compile(fits, {}).spec.steps).toHaveLength(2_000);
  });

  it('prints the cycle path', () => {
    const pipeline = definePipeline({
      id: 'loop',
      params: noParams,
      steps: { a: { activity: 'noop', after: ['c'] }, b: { activity: 'noop', after: ['a'] }, c: { activity: 'noop', after: ['b'] }, d: { activity: 'noop' } },
    });
    expect(problem(() => compile(pipeline))).toBe("pipeline 'loop': cycle: a -> b -> c -> a");
  });

  it('rejects an unknown upstream step, a duplicate step, a self-reference and an empty pipeline', () => {
    const base = { id: 'bad', params: noParams };
    expect(problem(() => compile(definePipeline({ ...base, steps: [{ name: 'a', activity: 'noop', after: ['ghost'] }] })))).toBe(
      "pipeline 'bad': step 'a' names an unknown upstream step 'ghost'",
    );
    expect(problem(() => compile(definePipeline({ ...base, steps: [{ name: 'a', activity: 'noop' }, { name: 'a', activity: 'noop' }] })))).toBe(
      "pipeline 'bad': duplicate step 'a': step names must be unique",
    );
    expect(problem(() => compile(definePipeline({ ...base, steps: [{ name: 'a', activity: 'noop', after: ['a'] }] })))).toContain(
      "step 'a' lists itself",
    );
    expect(problem(() => compile(definePipeline({ ...base, steps: {} })))).toBe("pipeline 'bad': has no steps: declare at least one");
  });

  it('rejects a param default that its own schema refuses, naming the param', () => {
    const pipeline = definePipeline({
      id: 'defaults',
      params: z.object({ rows: z.number().int().min(10).default(5) }),
      steps: { a: { activity: 'noop' } },
    });
    expect(problem(() => validatePipeline(pipeline))).toMatch(/param 'rows' has a default its own schema rejects: .*>=10/);
  });

  it('rejects bad step options, naming the step and the field', () => {
    const bad = (options: object) =>
      problem(() => compile(definePipeline({ id: 'opts', params: noParams, steps: { train: { activity: 'noop', ...options } } })));
    expect(bad({ retry: { attempts: 0 } })).toMatch(/step 'train': retry\.attempts: .*>=1/);
    expect(bad({ timeout: 'ten minutes' })).toMatch(/step 'train': timeout: expected a duration/);
    expect(bad({ queue: 'GPU Box' })).toMatch(/step 'train': queue: /);
    expect(bad({ retries: 3 })).toMatch(/step 'train': .*retries/);
  });

  it('rejects a bad id and a non-object params schema', () => {
    expect(problem(() => compile(definePipeline({ id: 'Bad Id', params: noParams, steps: { a: { activity: 'noop' } } })))).toMatch(/id must be lower-case/);
    const notObject = { ...definePipeline({ id: 'p', params: noParams, steps: { a: { activity: 'noop' } } }), params: z.string() };
    expect(problem(() => compile(notObject as never))).toMatch(/params must be a zod object schema/);
  });

  it('validates params: names the bad field, rejects unknown ones, applies defaults', () => {
    const pipeline = definePipeline({
      id: 'params',
      params: z.object({ rows: z.number().int().positive(), label: z.string().default('y') }),
      steps: { a: { activity: 'noop', config: (p) => ({ rows: p.rows, label: p.label }) } },
    });
    expect(compile(pipeline, { rows: 3 }).spec.steps[0]?.config).toEqual({ rows: 3, label: 'y' });
    const wrongType = (() => {
      try {
        compile(pipeline, { rows: 'three' });
      } catch (error) {
        return error as ParamsError;
      }
    })();
    expect(wrongType).toBeInstanceOf(ParamsError);
    expect(wrongType?.issues.map((i) => i.path)).toEqual(['rows']);
    expect(() => compile(pipeline, { rows: 3, rowz: 4 })).toThrow(/rowz: unknown param; known: rows, label/);
  });

  it('says a required param or config field that was not given is missing, not that a bad value was sent', () => {
    const pipeline = definePipeline({
      id: 'required',
      params: z.object({ path: z.string(), mode: z.enum(['fast', 'full']), size: z.union([z.number(), z.string()]) }),
      steps: { a: { activity: 'noop' } },
    });
    expect(() => compile(pipeline, {})).toThrow('invalid params: path: missing (expected string); mode: missing (expected "fast" or "full"); size: missing');
    expect(() => compile(pipeline, { path: 3, mode: 'slow', size: true })).toThrow(/path: Invalid input: expected string, received number; mode: Invalid option/);
    const needs = defineStep({ name: 'needs-depth', config: z.object({ depth: z.number() }), run: () => null });
    const configured = definePipeline({ id: 'needs', params: z.object({}), steps: { fit: { activity: needs, config: {} } } });
    expect(() => compile(configured, {})).toThrow(/step 'fit': config\.depth: missing \(expected number\)/);
  });

  it("checks a step's config against its step function's schema when compiling", () => {
    const scaled = defineStep({ name: 'scaled', config: z.strictObject({ factor: z.number().positive() }), run: () => null });
    const pipeline = definePipeline({
      id: 'config',
      params: z.object({ factor: z.number() }),
      steps: { scale: { activity: scaled, config: (p) => ({ factor: p.factor }) } },
    });
    expect(compile(pipeline, { factor: 2 }).spec.steps[0]?.config).toEqual({ factor: 2 });
    expect(() => compile(pipeline, { factor: -1 })).toThrow(/step 'scale': config\.factor: .*>0/);
  });

  it('reports a config function that throws or returns non-JSON, naming the step', () => {
    const throwing = definePipeline({
      id: 'throws',
      params: noParams,
      steps: { a: { activity: 'noop', config: () => { throw new Error('boom'); } } },
    });
    expect(problem(() => compile(throwing))).toBe("pipeline 'throws': step 'a': config function threw: boom");
    const notJson = definePipeline({ id: 'nan', params: noParams, steps: { a: { activity: 'noop', config: { ratio: Number.NaN } } } });
    expect(problem(() => compile(notJson))).toMatch(/step 'a': config must be a plain JSON object/);
  });

  it('gives a stable content hash that changes with the definition or params', () => {
    const make = (attempts: number) =>
      definePipeline({ id: 'hash', params: z.object({ n: z.number().default(1) }), steps: { a: { activity: 'noop', config: (p) => ({ n: p.n }), retry: { attempts } } } });
    const one = compile(make(3)).spec.hash;
    expect(compile(make(3)).spec.hash).toBe(one);
    expect(compile(make(4)).spec.hash).not.toBe(one);
    expect(compile(make(3), { n: 2 }).spec.hash).not.toBe(one);
    expect(one).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fills step defaults into the spec', () => {
    const spec = compile(definePipeline({ id: 'defaults', params: noParams, steps: { a: { activity: 'noop', heartbeat: 'none' } } })).spec;
    expect(spec.onFailure).toEqual({ mode: 'await_operator', operatorTimeoutMs: 7 * 86_400_000 });
    expect(spec.steps[0]).toMatchObject({
      retry: { maximumAttempts: 3, initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 60_000 },
      startToCloseTimeoutMs: 3_600_000,
      heartbeatTimeoutMs: null,
      taskQueue: null,
      whenUpstreamSkipped: 'run',
    });
  });

  it('makes a misspelled upstream step a compile-time type error', () => {
    const pipeline = definePipeline({
      id: 'typed',
      params: noParams,
      steps: {
        ingest: { activity: 'noop' },
        // @ts-expect-error 'ingets' is not a step of this pipeline: `npm run typecheck` fails if this ever compiles.
        train: { activity: 'noop', after: ['ingets'] },
      },
    });
    expect(() => compile(pipeline)).toThrow(/unknown upstream step 'ingets'/);
  });
});
