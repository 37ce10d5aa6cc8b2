/** A step's `when`: how it compiles, what the definition check refuses, and what it decides at run time. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compile, definePipeline, defineStep } from '../../lib/dsl';
import { PipelineDefinitionError } from '../../lib/errors';
import { jsonEqual, unmetCondition } from '../../lib/runContract/stepCondition';

/** A step that declares no output: any field may be asked of it. */
const free = defineStep({ name: 'test-free', run: () => ({}) });
const twoSteps = (when: object, after: string[] = ['score']) =>
  definePipeline({ id: 'cond', params: z.object({}), steps: { score: { activity: free }, ship: { activity: 'noop', after: after as ['score'], when } as never } });

describe('when, compiled', () => {
  it('defaults equals to true, keeps field and equals as given, and leaves steps without it as they were', () => {
    const ship = (when: object) => compile(twoSteps(when)).spec.steps[1];
    expect(ship({ step: 'score', field: 'gate.passed' })?.when).toEqual({ step: 'score', field: 'gate.passed', equals: true });
    expect(ship({ step: 'score', equals: { tier: 'large' } })?.when).toEqual({ step: 'score', equals: { tier: 'large' } });
    expect(ship({ step: 'score', field: 'better', notEquals: false })?.when).toEqual({ step: 'score', field: 'better', notEquals: false });
    expect(ship({ step: 'score', field: 'tier', equals: null })?.when).toEqual({ step: 'score', field: 'tier', equals: null });
    const byParam = definePipeline({ id: 'cond', params: z.object({ publish: z.boolean().default(true) }), steps: { ship: { activity: 'noop', when: { param: 'publish' } } } });
    expect(compile(byParam).spec.steps[0]?.when).toEqual({ param: 'publish', equals: true });
    const plain = definePipeline({ id: 'cond', params: z.object({}), steps: { score: { activity: free }, ship: { activity: 'noop', after: ['score'] } } });
    expect(compile(plain).spec.steps[1]).not.toHaveProperty('when');
    expect(compile(twoSteps({ step: 'score' })).spec.hash).not.toBe(compile(plain).spec.hash);
  });

  it('refuses a condition on a step that is not upstream, an unknown key and a malformed field, naming the step', () => {
    const refusal = (when: object, after?: string[]) => {
      try {
        compile(twoSteps(when, after));
      } catch (error) {
        expect(error).toBeInstanceOf(PipelineDefinitionError);
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refusal({ step: 'score' }, [])).toMatch(/step 'ship': when names step 'score', which is not one of its upstream steps \(none\): add it to 'after'/);
    expect(refusal({ step: 'score', feild: 'x' })).toMatch(/step 'ship': .*when.*feild/);
    expect(refusal({ step: 'score', field: 'gate..passed' })).toMatch(/step 'ship': .*a field is a name, or a dotted path such as 'gate.passed'/);
    expect(refusal({ step: 'score', equals: 1, notEquals: 2 })).toMatch(/step 'ship': .*give equals or notEquals, not both/);
    expect(refusal({ step: 'score', param: 'x' })).toMatch(/step 'ship': .*name a step or a param \(one of them\)/);
    expect(refusal({ field: 'x' })).toMatch(/step 'ship': .*name a step or a param \(one of them\)/);
    expect(refusal({ param: 'publish' })).toMatch(/step 'ship': when names param 'publish', which the pipeline does not declare; params: none/);
  });
});

describe("when's field, against the upstream step's declared output", () => {
  const gated = (producer: unknown, field: string) =>
    definePipeline({ id: 'cond', params: z.object({}), steps: { score: producer as never, ship: { activity: 'noop', after: ['score'], when: { step: 'score', field } } } });
  const evaluate = { activity: 'evaluate' };
  const scored = defineStep({ name: 'test-scored', output: z.object({ gate: z.object({ passed: z.boolean() }).nullable(), notes: z.record(z.string(), z.string()) }), run: () => ({ gate: { passed: true }, notes: {} }) });
  const undeclared = defineStep({ name: 'test-undeclared', run: () => ({}) });
  const loose = defineStep({ name: 'test-loose', output: z.looseObject({ a: z.number() }), run: () => ({ a: 1 }) });

  it('accepts a path the output can hold: a field, a nested one under nullable, a record key, an undeclared or loose output', () => {
    for (const [producer, field] of [
      [evaluate, 'comparison.candidateIsBetter'],
      [evaluate, 'metrics.accuracy'],
      [{ activity: scored }, 'gate.passed'],
      [{ activity: scored }, 'notes.anything'],
      [{ activity: undeclared }, 'promote'],
      [{ activity: loose }, 'b'],
    ] as const) {
      expect(() => compile(gated(producer, field)), field).not.toThrow();
    }
  });

  it('refuses a field the output cannot hold, naming the fields it has', () => {
    expect(() => compile(gated(evaluate, 'comparison.candidateIsBeter'))).toThrow(
      "step 'ship': when.field 'comparison.candidateIsBeter': step 'score' has no field 'candidateIsBeter' in 'comparison' (fields: model, alias, version, metrics, candidateIsBetter, notCompared)",
    );
    expect(() => compile(gated({ activity: scored }, 'gates.passed'))).toThrow("step 'score' has no field 'gates' in its output (fields: gate, notes)");
  });

  const listed = defineStep({ name: 'test-listed', output: z.object({ checks: z.array(z.object({ name: z.string(), passed: z.boolean() })) }), run: () => ({ checks: [] }) });
  it("takes a number as a list's item, checks the item's fields, and refuses a name where a list needs an index", () => {
    expect(() => compile(gated({ activity: listed }, 'checks.0.passed'))).not.toThrow();
    expect(() => compile(gated({ activity: listed }, 'checks.12.passed'))).not.toThrow();
    expect(() => compile(gated({ activity: listed }, 'checks.0.pased'))).toThrow("step 'score' has no field 'pased' in 'checks.0' (fields: name, passed)");
    expect(() => compile(gated({ activity: listed }, 'checks.passed'))).toThrow("step 'score' gives a list at 'checks', which has no field 'passed': name an item by its index ('checks.0')");
    expect(() => compile(gated({ activity: listed }, 'checks.01.passed'))).toThrow(/name an item by its index/);
    expect(() => compile(gated({ activity: listed }, 'constructor'))).toThrow("step 'score' has no field 'constructor' in its output (fields: checks)");
  });

  const compares = (when: object, params = z.object({})) =>
    definePipeline({ id: 'cond', params, steps: { score: { activity: 'evaluate' } as never, ship: { activity: 'noop', after: ['score'], when } as never } });
  it('refuses a value the field never holds, which would decide the same on every run', () => {
    expect(() => compile(compares({ step: 'score', field: 'comparison.candidateIsBetter', equals: 'yes' }))).toThrow(
      `step 'ship': when.equals is "yes", which step 'score' at 'comparison.candidateIsBetter' never holds (Invalid input: expected boolean, received string)`,
    );
    expect(() => compile(compares({ step: 'score', field: 'comparison.candidateIsBetter', notEquals: 0 }))).toThrow(/when.notEquals is 0, which step 'score' at 'comparison.candidateIsBetter' never holds/);
    for (const when of [{ step: 'score', field: 'comparison.candidateIsBetter', notEquals: false }, { step: 'score', field: 'comparison.candidateIsBetter' }, { step: 'score', field: 'metrics.accuracy', equals: 1 }]) {
      expect(() => compile(compares(when)), JSON.stringify(when)).not.toThrow();
    }
  });

  it("checks a param's condition against the param's schema: a field it lacks, a value it never holds", () => {
    const params = z.object({
      env: z.enum(['dev', 'production']).default('dev'),
      publish: z.boolean().default(false),
      label: z.string().default('x'),
      limits: z.object({ rows: z.number() }).default({ rows: 1 }),
      scaled: z.number().default(1).transform((n) => n * 100),
    });
    expect(() => compile(compares({ param: 'env', equals: 'prod' }, params))).toThrow(/step 'ship': when.equals is "prod", which param 'env' never holds \(Invalid option: expected one of "dev"\|"production"\)/);
    expect(() => compile(compares({ param: 'label' }, params))).toThrow(`step 'ship': when.equals is true, which param 'label' never holds (Invalid input: expected string, received boolean)`);
    expect(() => compile(compares({ param: 'limits', field: 'row', equals: 5 }, params))).toThrow(`step 'ship': when.field 'row': param 'limits' has no field 'row' (fields: rows)`);
    for (const when of [{ param: 'env', equals: 'production' }, { param: 'publish' }, { param: 'limits', field: 'rows', notEquals: 0 }, { param: 'scaled', equals: 'anything: a transform keeps its own output' }]) {
      expect(() => compile(compares(when, params)), JSON.stringify(when)).not.toThrow();
    }
  });
});

describe('unmetCondition', () => {
  const from = (status: string, output: unknown) => ({ step: () => ({ status, output: output as never }), params: {} });
  const ran = (output: unknown) => from('succeeded', output);
  const skippedUpstream = from('skipped', null);
  it('lets the step run when the value at the field equals the one asked for', () => {
    expect(unmetCondition({ step: 'score', field: 'promote', equals: true }, ran({ promote: true }))).toBeUndefined();
    expect(unmetCondition({ step: 'score', field: 'gate.tier', equals: 'large' }, ran({ gate: { tier: 'large' } }))).toBeUndefined();
    expect(unmetCondition({ step: 'score', equals: { b: [1, 2], a: null } }, ran({ a: null, b: [1, 2] }))).toBeUndefined();
    // null is a value like any other, not "no value".
    expect(unmetCondition({ step: 'score', field: 'x', equals: null }, ran({ x: null }))).toBeUndefined();
    expect(unmetCondition({ step: 'score', field: 'x', equals: null }, ran({ x: 0 }))).toBe("skipped: step 'score' gave x = 0; this step runs when x is null");
  });
  it("picks a list's item by a number in the path, unless told lists are not indexed (runs recorded before)", () => {
    const output = { checks: [{ passed: true }, { passed: false }], matrix: [[1, 2], [3, 4]] };
    expect(unmetCondition({ step: 'score', field: 'checks.0.passed', equals: true }, ran(output))).toBeUndefined();
    expect(unmetCondition({ step: 'score', field: 'checks.1.passed', equals: true }, ran(output))).toBe("skipped: step 'score' gave checks.1.passed = false; this step runs when checks.1.passed is true");
    expect(unmetCondition({ step: 'score', field: 'matrix.1.0', equals: 3 }, ran(output))).toBeUndefined();
    expect(unmetCondition({ step: 'score', field: 'checks.2.passed', notEquals: true }, ran(output))).toBeUndefined();
    expect(unmetCondition({ step: 'score', field: 'checks.2.passed', equals: true }, ran(output))).toMatch(/^skipped: step 'score' gave no 'checks.2.passed'/);
    // A name is not an index, and an object's numeric key is still a key.
    expect(unmetCondition({ step: 'score', field: 'checks.length', equals: 2 }, ran(output))).toMatch(/gave no 'checks.length'/);
    expect(unmetCondition({ step: 'score', field: 'byRank.1', equals: 'a' }, ran({ byRank: { 1: 'a' } }))).toBeUndefined();
    // Only the output's own fields: not what every object inherits.
    expect(unmetCondition({ step: 'score', field: 'constructor', equals: true }, ran(output))).toMatch(/^skipped: step 'score' gave no 'constructor'/);
    expect(unmetCondition({ step: 'score', field: 'checks.__proto__', notEquals: 1 }, ran(output))).toBeUndefined();
    const unindexed = { ...ran(output), indexLists: () => false };
    expect(unmetCondition({ step: 'score', field: 'checks.0.passed', equals: true }, unindexed)).toMatch(/gave no 'checks.0.passed'/);
    expect(unmetCondition({ step: 'score', field: 'checks.0.passed', notEquals: true }, unindexed)).toBeUndefined();
  });
  it('says what the upstream step gave instead, or that it gave nothing there', () => {
    expect(unmetCondition({ step: 'score', field: 'promote', equals: true }, ran({ promote: false }))).toBe("skipped: step 'score' gave promote = false; this step runs when promote is true");
    expect(unmetCondition({ step: 'score', field: 'gate.passed', equals: true }, ran({ gate: 'yes' }))).toBe('skipped: step \'score\' gave no \'gate.passed\' (its output: {"gate":"yes"}); this step runs when gate.passed is true');
    expect(unmetCondition({ step: 'score', field: 'promote', equals: true }, ran(null))).toBe("skipped: step 'score' gave no 'promote'; this step runs when promote is true");
    expect(unmetCondition({ step: 'score', field: 'promote', equals: true }, skippedUpstream)).toBe("skipped: step 'score' was skipped, so it gave no 'promote'; this step runs when promote is true");
    expect(unmetCondition({ step: 'score', equals: 3 }, ran(4))).toBe("skipped: step 'score' gave the output = 4; this step runs when its output is 3");
    // A long value is cut, never the whole of a large output in a note.
    expect(unmetCondition({ step: 'score', field: 'x', equals: true }, ran({ x: 'y'.repeat(500) }))?.length).toBeLessThan(200);
  });
  it('with notEquals, runs on anything but that value, a field the output lacks included, but not after a skipped step', () => {
    const unlessWorse = { step: 'score', field: 'comparison.candidateIsBetter', notEquals: false };
    expect(unmetCondition(unlessWorse, ran({ comparison: { candidateIsBetter: true } }))).toBeUndefined();
    // The first model: nothing to compare with.
    expect(unmetCondition(unlessWorse, ran({ comparison: { candidateIsBetter: null } }))).toBeUndefined();
    expect(unmetCondition(unlessWorse, ran({ comparison: null }))).toBeUndefined();
    expect(unmetCondition(unlessWorse, ran({ comparison: { candidateIsBetter: false } }))).toBe(
      "skipped: step 'score' gave comparison.candidateIsBetter = false; this step runs unless comparison.candidateIsBetter is false",
    );
    expect(unmetCondition(unlessWorse, skippedUpstream)).toMatch(/^skipped: step 'score' was skipped/);
  });

  it("reads a param of the run, as given or defaulted, with a field within it", () => {
    const params = (value: unknown) => ({ step: () => ({ status: 'succeeded', output: null }), params: value as never });
    expect(unmetCondition({ param: 'publish', equals: true }, params({ publish: true }))).toBeUndefined();
    expect(unmetCondition({ param: 'publish', equals: true }, params({ publish: false }))).toBe('skipped: param publish is false; this step runs when it is true');
    expect(unmetCondition({ param: 'target', field: 'env', notEquals: 'dev' }, params({ target: { env: 'prod' } }))).toBeUndefined();
    expect(unmetCondition({ param: 'target', field: 'env', notEquals: 'dev' }, params({ target: { env: 'dev' } }))).toBe('skipped: param target.env is "dev"; this step runs unless it is "dev"');
    expect(unmetCondition({ param: 'limit', equals: 3 }, params({}))).toBe('skipped: param limit was not given; this step runs when it is 3');
  });

  it('compares JSON deeply: key order does not matter, array order and types do', () => {
    expect(jsonEqual({ a: 1, b: { c: [1, 'x'] } }, { b: { c: [1, 'x'] }, a: 1 })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual(1, '1')).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
  });
});
