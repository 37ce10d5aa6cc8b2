import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { feedbackSourceText, parseFeedbackSource } from '../../lib/data/feedbackSource';
import { definePipeline, defineRegistry, onDrift } from '../../lib/dsl';
import { feedbackNeeds, type DriftOptions } from '../../lib/dsl/triggers';
import { desiredSchedules } from '../../lib/schedules/desiredSchedules';
import { watchDriftInput } from '../../lib/schedules/syncSchedules';
import { registryError } from '../helpers/registryError';

const DAY = 86_400_000;

describe('the feedback:<model> source', () => {
  it('reads the model and each option, with the documented defaults', () => {
    expect(parseFeedbackSource('feedback:churn')).toEqual({ model: 'churn', alias: 'production', window: '30d', windowMs: 30 * DAY, training: 'include', maxRows: 100_000, minLabelled: 20, seed: 42 });
    expect(parseFeedbackSource('feedback:churn?window=12h&training=exclude&maxRows=500&minLabelled=5&alias=canary&seed=3')).toEqual({
      model: 'churn',
      alias: 'canary',
      window: '12h',
      windowMs: 12 * 3_600_000,
      training: 'exclude',
      maxRows: 500,
      minLabelled: 5,
      seed: 3,
    });
  });

  it('names what is wrong: the model, an unknown or repeated option, a bad value', () => {
    expect(() => parseFeedbackSource('feedback:Churn!')).toThrow("'feedback:Churn!': 'Churn!' is not a model name");
    expect(() => parseFeedbackSource('feedback:churn?windw=3d')).toThrow("'feedback:churn?windw=3d': unknown option 'windw'");
    expect(() => parseFeedbackSource('feedback:churn?window=3d&window=4d')).toThrow("option 'window' is given twice");
    expect(() => parseFeedbackSource('feedback:churn?window=500ms')).toThrow("window: expected a duration of at least 1s, such as '30d'");
    expect(() => parseFeedbackSource('feedback:churn?maxRows=lots')).toThrow(/maxRows: /);
    expect(() => parseFeedbackSource('feedback:churn?training=some')).toThrow(/training: /);
  });

  it('writes only the options that differ from the defaults, and reads back what it wrote', () => {
    expect(feedbackSourceText('churn')).toBe('feedback:churn');
    expect(feedbackSourceText('churn', { window: '30d', minLabelled: 50, training: 'include' })).toBe('feedback:churn?minLabelled=50');
    const text = feedbackSourceText('churn', { alias: 'canary', window: '7d', maxRows: 10 });
    expect(parseFeedbackSource(text)).toMatchObject({ alias: 'canary', windowMs: 7 * DAY, maxRows: 10 });
  });

  it('is checked when definitions load, like any ingest config', () => {
    const pipeline = (source: string) => definePipeline({ id: 'from-feedback', params: z.object({}), steps: { data: { activity: 'ingest', config: { source } } } });
    expect(() => defineRegistry({ pipelines: [pipeline('feedback:churn?window=2w')] })).toThrow(/step 'data': config\.source: 'feedback:churn\?window=2w': window: /);
    expect(() => defineRegistry({ pipelines: [pipeline('feedback:churn?window=14d')] })).not.toThrow();
  });
});

describe("a drift trigger's production-feedback retrain", () => {
  const retraining = (options: DriftOptions) =>
    definePipeline({ id: 'churn-loop', params: z.object({ dataset: z.string(), other: z.string().optional() }), steps: { data: { activity: 'ingest', config: (p) => ({ source: p.dataset }) } }, triggers: [onDrift('churn', { window: '14d', ...options })] });
  const loadError = (options: DriftOptions) => registryError([retraining(options)]);

  it("sets the retrain's dataset param to the model's feedback, over the trigger's window by default", () => {
    const trigger = onDrift('churn', { window: '14d', retrainOn: 'production-feedback', feedback: { minLabelled: 200 } });
    expect(trigger.params).toEqual({ dataset: 'feedback:churn?window=14d&minLabelled=200' });
    expect(feedbackNeeds(trigger)).toEqual(expect.objectContaining({ windowMs: 14 * DAY, minLabelled: 200 }));
    expect(onDrift('churn', { alias: 'canary', retrainOn: 'production-feedback', feedback: { param: 'other', window: '3d', training: 'exclude' } }).params).toEqual({ other: 'feedback:churn?alias=canary&window=3d&training=exclude' });
    expect(onDrift('churn', { params: { dataset: './x.csv' } }).params).toEqual({ dataset: './x.csv' });
  });

  it('gives the watcher what it checks before a retrain: the window and the labels needed', () => {
    const registry = defineRegistry({ pipelines: [retraining({ retrainOn: 'production-feedback', feedback: { minLabelled: 75 } })] });
    const desired = desiredSchedules(registry, 'q').find((d) => d.trigger.kind === 'drift')!;
    expect(desired.params).toMatchObject({ dataset: 'feedback:churn?window=14d&minLabelled=75' });
    expect(watchDriftInput(desired, desired.trigger as never).feedback).toEqual({ windowMs: 14 * DAY, minLabelled: 75 });
    const plain = desiredSchedules(defineRegistry({ pipelines: [retraining({ params: { dataset: './x.csv' } })] }), 'q').find((d) => d.trigger.kind === 'drift')!;
    expect(watchDriftInput(plain, plain.trigger as never).feedback).toBeUndefined();
  });

  it("is the default when the pipeline takes a dataset param the trigger leaves unset; 'params' or a given dataset keep the params", () => {
    const paramsOf = (pipeline: ReturnType<typeof retraining>) => desiredSchedules(defineRegistry({ pipelines: [pipeline] }), 'q').find((d) => d.trigger.kind === 'drift')!.params;
    expect(paramsOf(retraining({}))).toMatchObject({ dataset: 'feedback:churn?window=14d' });
    expect(paramsOf(retraining({ retrainOn: 'params', params: { dataset: './new.csv' } }))).toMatchObject({ dataset: './new.csv' });
    expect(paramsOf(retraining({ params: { dataset: './new.csv' } }))).toMatchObject({ dataset: './new.csv' });
    const noDataset = definePipeline({ id: 'other-loop', params: z.object({ table: z.string().default('t') }), steps: { a: { activity: 'noop' } }, triggers: [onDrift('churn')] });
    expect(desiredSchedules(defineRegistry({ pipelines: [noDataset] }), 'q')[0]!.params).toEqual({ table: 't' });
    expect(noDataset.triggers[0]).not.toHaveProperty('retrainOn');
  });

  it('refuses a dataset param given twice and bad feedback options when definitions load', () => {
    expect(loadError({ retrainOn: 'production-feedback', params: { dataset: './x.csv' } })).toContain('params.dataset: a production-feedback retrain sets it (to feedback:churn?window=14d)');
    expect(loadError({ retrainOn: 'production-feedback', feedback: { minLabelled: 0 } })).toMatch(/feedback\.minLabelled: /);
    expect(loadError({ retrainOn: 'production-feedback', feedback: { windw: '3d' } as never })).toMatch(/feedback: .*windw/);
    expect(loadError({ retrainOn: 'somewhere' as never })).toMatch(/retrainOn: /);
  });
});
