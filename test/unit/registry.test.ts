import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtinSteps } from '../../activities';
import { registry } from '../../definitions';
import { BUILTIN_STAGES, compile, definePipeline, defineRegistry, defineStep } from '../../lib/dsl';

describe('the registry', () => {
  it('loads definitions/ and every pipeline in it compiles with its defaults or example params', () => {
    expect([...registry.pipelines.keys()]).toEqual(expect.arrayContaining(['quickstart', 'landing-check']));
    expect(compile(registry.pipelines.get('quickstart')!).spec.steps).toHaveLength(4);
    expect(compile(registry.pipelines.get('landing-check')!, { path: '/tmp/x.csv' }).spec.steps).toHaveLength(2);
  });

  it('knows the built-in stages that activities/ implements', () => {
    expect(builtinSteps.map((s) => s.name).sort()).toEqual([...BUILTIN_STAGES].sort());
  });

  it('rejects an activity that no built-in stage or registered step provides', () => {
    // TypeScript sees the typo first (a fixture: this line must not compile); the registry refuses it at load too.
    // @ts-expect-error 'trian' is not a built-in stage
    const typo = definePipeline({ id: 'typo', params: z.object({}), steps: { a: { activity: 'trian' } } });
    expect(() => defineRegistry({ pipelines: [typo] })).toThrow(/step 'a' uses activity 'trian', which is neither a built-in stage/);
  });

  it('rejects two pipelines with one id, and two different steps with one name', () => {
    const p = definePipeline({ id: 'twice', params: z.object({}), steps: { a: { activity: 'noop' } } });
    expect(() => defineRegistry({ pipelines: [p, p] })).toThrow(/two pipelines have the id 'twice'/);
    const one = defineStep({ name: 'same', run: () => 1 });
    const other = defineStep({ name: 'same', run: () => 2 });
    expect(() => defineRegistry({ pipelines: [], steps: [one, other] })).toThrow(/two different steps are named 'same'/);
  });

  it('rejects a bad pipeline when it loads, naming it', () => {
    const bad = definePipeline({ id: 'cyclic', params: z.object({}), steps: { a: { activity: 'noop', after: ['b'] }, b: { activity: 'noop', after: ['a'] } } });
    expect(() => defineRegistry({ pipelines: [bad] })).toThrow("pipeline 'cyclic': cycle: ");
  });
});
