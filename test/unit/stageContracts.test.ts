/**
 * Built-in stage configs are checked when definitions load, and by TypeScript where it can see them.
 * Promised (README, "Built-in stages"): a misspelled key, a wrong type and an upstream `from` that is
 * not an upstream step are each refused at load with the pipeline, the step and the field named; the
 * `@ts-expect-error` lines below are fixtures: if the DSL stopped typing stage configs, they would
 * no longer be errors and `tsc` (part of `npm test`) would fail.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtinSteps } from '../../activities';
import { compile, definePipeline, defineRegistry } from '../../lib/dsl';
import type { StageStepDefinition } from '../../lib/dsl/definePipeline';
import { STAGES, type StageName } from '../../lib/stages';
import { stageReferenceLines } from '../../lib/stages/reference';

/** Per stage: a config it accepts, one with a misspelled key, and one with a value of the wrong type (and the field named). */
const CASES: Record<Exclude<StageName, 'noop'>, { valid: object; typo: [object, string]; wrongType: [object, string] }> = {
  sleep: { valid: { ms: 10 }, typo: [{ mss: 10 }, 'mss'], wrongType: [{ ms: 'ten' }, 'ms'] },
  ingest: { valid: { source: 'data.csv' }, typo: [{ sorce: 'data.csv' }, 'sorce'], wrongType: [{ source: 'data.csv', maxRows: 'all' }, 'maxRows'] },
  validate: { valid: { contract: { columns: {} } }, typo: [{ contrct: { columns: {} } }, 'contrct'], wrongType: [{ contract: 'strict' }, 'contract'] },
  train: { valid: { target: 'y' }, typo: [{ targt: 'y' }, 'targt'], wrongType: [{ target: 'y', algorithm: 'nope' }, 'algorithm'] },
  evaluate: { valid: {}, typo: [{ gat: {} }, 'gat'], wrongType: [{ requireImprovement: 'yes' }, 'requireImprovement'] },
  register: { valid: { model: 'm' }, typo: [{ modle: 'm' }, 'modle'], wrongType: [{ model: 7 }, 'model'] },
  deploy: { valid: {}, typo: [{ alais: 'canary' }, 'alais'], wrongType: [{ weight: 'half' }, 'weight'] },
  monitor: { valid: { model: 'm' }, typo: [{ modle: 'm' }, 'modle'], wrongType: [{ model: 'm', minRows: 'many' }, 'minRows'] },
  'pick-best': { valid: { metric: 'accuracy' }, typo: [{ metirc: 'accuracy' }, 'metirc'], wrongType: [{ metric: 'accuracy', direction: 'up' }, 'direction'] },
};

/** The stages that read an upstream step's output, and so take `from`. */
const READS_UPSTREAM: StageName[] = ['validate', 'train', 'evaluate', 'pick-best', 'register', 'deploy', 'monitor'];

function pipelineWith(stage: StageName, config: object) {
  const step = { activity: stage, after: ['up'], config } as unknown as StageStepDefinition<'up', Record<string, never>>;
  return definePipeline({ id: 'checked', params: z.object({}), steps: { up: { activity: 'noop' }, s: step } });
}

const load = (stage: StageName, config: object) => () => defineRegistry({ pipelines: [pipelineWith(stage, config)] });

describe('stage contracts are one list', () => {
  it('the README holds the stage reference printed from the contracts', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const missing = stageReferenceLines().filter((line) => !readme.includes(line));
    expect(missing, 'run npm run stage-reference and update the README').toEqual([]);
  });

  it('the worker implements exactly the stages the contracts list, each with its contract config', () => {
    expect(builtinSteps.map((s) => s.name).sort()).toEqual(Object.keys(STAGES).sort());
    for (const step of builtinSteps) {
      expect(step.config, step.name).toBe(STAGES[step.name as StageName].config);
      expect(step.needsStore, `${step.name} needsStore`).toBe(STAGES[step.name as StageName].needsStore);
    }
  });
});

describe.each(Object.entries(CASES))('the %s stage', (name, { valid, typo, wrongType }) => {
  const stage = name as StageName;
  it('loads with a valid config', () => {
    expect(load(stage, valid)).not.toThrow();
  });
  it('refuses a misspelled key at load, naming pipeline, step and key', () => {
    expect(load(stage, typo[0])).toThrow(new RegExp(`pipeline 'checked': step 's': config\\..*${typo[1]}`));
  });
  it('refuses a value of the wrong type at load, naming the field', () => {
    expect(load(stage, wrongType[0])).toThrow(new RegExp(`pipeline 'checked': step 's': config\\.${wrongType[1]}`));
  });
  it('checks a config computed from params with the params it gets (defaults at load)', () => {
    const computed = definePipeline({
      id: 'computed',
      params: z.object({ bad: z.boolean().default(true) }),
      steps: { up: { activity: 'noop' }, s: { activity: stage, after: ['up'], config: ((p: { bad: boolean }) => (p.bad ? typo[0] : valid)) as never } },
    });
    expect(() => defineRegistry({ pipelines: [computed] })).toThrow(new RegExp(`step 's': config\\..*${typo[1]}`));
  });
});

describe('metric names', () => {
  it("evaluate's gate refuses a metric evaluate does not report, listing the ones it does", () => {
    expect(load('evaluate', { gate: { acuracy: { min: 0.9 } } })).toThrow(/step 's': config\.gate\.acuracy: not a metric evaluate reports \(higher is better: accuracy, macroF1, rocAuc, r2; lower: logLoss, rmse, mae\)/);
    expect(load('evaluate', { gate: { accuracy: { min: 0.9 }, rmse: { max: 3 } } })).not.toThrow();
  });
  it('pick-best asks for a direction only for a metric whose direction it does not know', () => {
    expect(load('pick-best', { metric: 'custom' })).toThrow(/step 's': config\.direction: give 'max' or 'min'.*not for 'custom'/);
    expect(load('pick-best', { metric: 'custom', direction: 'min' })).not.toThrow();
    expect(load('pick-best', { metric: 'rmse' })).not.toThrow();
  });
});

describe('an upstream reference', () => {
  it.each(READS_UPSTREAM)('%s refuses a `from` that is not one of its upstream steps', (stage) => {
    const { valid } = CASES[stage as Exclude<StageName, 'noop'>];
    expect(load(stage, { ...valid, from: 'nowhere' })).toThrow(/step 's': config\.from names 'nowhere', which is not one of its upstream steps \(up\)/);
    expect(load(stage, { ...valid, from: 'up' })).not.toThrow();
  });
});

describe('TypeScript sees what it can (fixtures: each line below must be a type error)', () => {
  it('types stage configs by their contracts', () => {
    const p = z.object({});
    const fixtures = [
      // @ts-expect-error misspelled key
      definePipeline({ id: 'a', params: p, steps: { s: { activity: 'sleep', config: { mss: 10 } } } }),
      // @ts-expect-error wrong type
      definePipeline({ id: 'a', params: p, steps: { s: { activity: 'sleep', config: { ms: 'ten' } } } }),
      // @ts-expect-error misspelled key
      definePipeline({ id: 'a', params: p, steps: { s: { activity: 'ingest', config: { sorce: './x.csv' } } } }),
      // @ts-expect-error wrong type
      definePipeline({ id: 'a', params: p, steps: { s: { activity: 'ingest', config: { source: 1 } } } }),
      // @ts-expect-error misspelled key
      definePipeline({ id: 'a', params: p, steps: { s: { activity: 'validate', config: { contrct: { columns: {} } } } } }),
      // @ts-expect-error misspelled key
      definePipeline({ id: 'a', params: p, steps: { s: { activity: 'train', config: { targt: 'y' } } } }),
      // @ts-expect-error an algorithm that does not exist
      definePipeline({ id: 'a', params: p, steps: { s: { activity: 'train', config: { target: 'y', algorithm: 'nope' } } } }),
      // @ts-expect-error misspelled key
      definePipeline({ id: 'a', params: p, steps: { s: { activity: 'evaluate', config: { gat: {} } } } }),
      // @ts-expect-error misspelled key
      definePipeline({ id: 'a', params: p, steps: { s: { activity: 'register', config: { modle: 'm' } } } }),
      // @ts-expect-error wrong type
      definePipeline({ id: 'a', params: p, steps: { s: { activity: 'deploy', config: { weight: 'half' } } } }),
      // @ts-expect-error misspelled key
      definePipeline({ id: 'a', params: p, steps: { s: { activity: 'monitor', config: { modle: 'm' } } } }),
      // @ts-expect-error a stage that does not exist
      definePipeline({ id: 'a', params: p, steps: { s: { activity: 'trian' } } }),
      // @ts-expect-error `from` names a step the pipeline does not have
      definePipeline({ id: 'a', params: p, steps: { data: { activity: 'ingest', config: { source: './x.csv' } }, fit: { activity: 'train', after: ['data'], config: { target: 'y', from: 'dta' } } } }),
      // @ts-expect-error `after` names a step the pipeline does not have
      definePipeline({ id: 'a', params: p, steps: { data: { activity: 'ingest', config: { source: './x.csv' } }, fit: { activity: 'train', after: ['dta'], config: { target: 'y' } } } }),
    ];
    // At run time the same definitions are refused when they load.
    for (const pipeline of fixtures) expect(() => defineRegistry({ pipelines: [pipeline] })).toThrow();
    // A config computed from a param with no default is checked when a run is compiled, before anything runs.
    // @ts-expect-error a config function returning a wrong type
    const computed = definePipeline({ id: 'a', params: z.object({ n: z.string() }), steps: { s: { activity: 'sleep', config: (q) => ({ ms: q.n }) } } });
    expect(() => compile(computed, { n: 'ten' })).toThrow(/step 's': config\.ms: Invalid input: expected number/);
  });

  // Promised (README, "Serving"): a canary takes its weight of the requests that name no alias. Only
  // the canary alias is split that way: a weight on another alias was stored and never served.
  it('refuses a deploy weight on an alias other than canary, when the definitions load', () => {
    const deployTo = (config: Record<string, unknown>, id = 'w') => definePipeline({ id, params: z.object({}), steps: { s: { activity: 'deploy', config: config as never } } });
    expect(() => defineRegistry({ pipelines: [deployTo({ alias: 'candidate', weight: 0.1 })] })).toThrow(
      /step 's': config.weight: a traffic weight applies only to the 'canary' alias, which takes that share of the requests naming no alias; 'candidate' is served only to requests that name it/,
    );
    expect(() => defineRegistry({ pipelines: [deployTo({ weight: 0.1 })] })).toThrow(/'production' is served only to requests that name it/);
    expect(() => defineRegistry({ pipelines: [deployTo({ alias: 'canary', weight: 0.1 }, 'w1'), deployTo({ alias: 'staging' }, 'w2')] })).not.toThrow();
  });
});

describe("the API's pipeline description comes from the same contracts", () => {
  it('describes a stage step by its contract and a defineStep by the output it declares', async () => {
    const { createApp } = await import('../../server/app');
    const { sampleMeasurements } = await import('../../definitions/steps/sampleMeasurements');
    const pipeline = definePipeline({
      id: 'described',
      params: z.object({}),
      steps: { data: { activity: 'ingest', config: { source: './x.csv' } }, sample: { activity: sampleMeasurements, config: { count: 1, mean: 0, stddev: 1, seed: 1 } } },
    });
    // The pipeline routes never call Temporal: a client that only runs what it is given will do.
    const client = { connection: { withDeadline: (_deadline: number, call: () => unknown) => call() } } as never;
    const app = createApp({ client, registry: defineRegistry({ pipelines: [pipeline] }), taskQueue: 'q', temporalUiUrl: null, store: null, artifacts: null, models: null, predictionLog: null, security: {} });
    const body = (await (await app.request('/api/v1/pipelines/described')).json()) as { steps: { name: string; summary: string | null; output: { properties?: Record<string, unknown> } | null }[] };
    const [data, sample] = body.steps;
    expect(data).toMatchObject({ name: 'data', summary: STAGES.ingest.summary });
    expect(Object.keys(data?.output?.properties ?? {})).toEqual(expect.arrayContaining(['dataset', 'profile', 'rows', 'columns']));
    expect(sample).toMatchObject({ name: 'sample', summary: null });
    expect(Object.keys(sample?.output?.properties ?? {})).toEqual(['count', 'values']);
  });
});
