import { z } from 'zod';
import { defineStep } from '../lib/dsl/defineStep';
import type { JsonObject } from '../lib/dsl/spec';
import { ConfigError, DataError } from '../lib/errors';
import { directionOf, type MetricDirection } from '../lib/ml/metricDirections';
import { pickBestStage, type SweepSummary } from '../lib/stages/pickBest';

const TrialResult = z.object({ evaluate: z.object({ metrics: z.record(z.string(), z.unknown()) }).loose() }).loose();

/**
 * pick-best: reads a sweep's trials (each `{ train, evaluate }`, null for one that did not succeed),
 * chooses the best by the configured metric and direction (the metric's own unless told; the first
 * in item order on a tie), and
 * returns that trial's evaluate output, so register records the chosen model, with the sweep's
 * summary: every trial's params and score.
 */
export const pickBest = defineStep({
  name: pickBestStage.name,
  config: pickBestStage.config,
  output: pickBestStage.output,
  run: ({ run, config, upstream }) => {
    const from = config.from ?? Object.keys(upstream).find((name) => Array.isArray(upstream[name]));
    const trials = from === undefined ? undefined : upstream[from];
    if (!Array.isArray(trials)) throw new ConfigError(`no upstream step produced a list of trials${from ? ` ('${from}' did not)` : ''}; upstream: ${Object.keys(upstream).join(', ') || 'none'}`);
    const scored = trials.map((trial, index) => {
      const parsed = TrialResult.safeParse(trial);
      const value = parsed.success ? parsed.data.evaluate.metrics[config.metric] : undefined;
      return { index, result: parsed.success ? parsed.data : null, value: typeof value === 'number' && Number.isFinite(value) ? value : null };
    });
    const candidates = scored.filter((trial) => trial.value !== null);
    if (candidates.length === 0) {
      const known = scored.find((trial) => trial.result)?.result?.evaluate.metrics;
      throw new DataError(`no trial of '${from}' reported a numeric '${config.metric}'${known ? `; its metrics: ${Object.keys(known).join(', ')}` : ' (no trial succeeded)'}`);
    }
    // The config's refinement makes sure one of the two is there.
    const direction = config.direction ?? (directionOf(config.metric) as MetricDirection);
    const better = (a: number, b: number) => (direction === 'max' ? a > b : a < b);
    const best = candidates.reduce((chosen, trial) => (better(trial.value as number, chosen.value as number) ? trial : chosen));
    const params = (index: number): JsonObject => (config.trials[index] ?? {}) as JsonObject;
    const sweep: SweepSummary = {
      step: `${run.runId}/${from}`,
      metric: config.metric,
      direction,
      best: best.index,
      trials: scored.map((trial) => ({ index: trial.index, params: params(trial.index), value: trial.value, status: trial.result ? 'succeeded' : 'failed' })),
    };
    const chosen = best.result?.evaluate as { metrics: Record<string, unknown> } & JsonObject;
    return { ...chosen, model: chosen.model, metrics: chosen.metrics, trial: best.index, params: params(best.index), sweep };
  },
});
