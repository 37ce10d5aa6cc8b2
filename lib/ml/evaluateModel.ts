import { classificationMetrics, regressionMetrics, type ClassificationMetrics, type RegressionMetrics } from './metrics';
import { directionOf } from './metricDirections';
import type { ServableModel } from './servableModel';

export type ModelMetrics = ClassificationMetrics | RegressionMetrics;

/** Scores a model, of any format, on rows with known targets. */
export async function scoreModel(model: ServableModel, rows: Record<string, unknown>[], targets: (string | number)[]): Promise<ModelMetrics> {
  const predictions = await model.predict(rows);
  if (model.task === 'classification') {
    return classificationMetrics(
      model.labels,
      targets.map(String),
      predictions.map((p) => p.probabilities as number[]),
    );
  }
  return regressionMetrics(targets as number[], predictions.map((p) => p.value as number));
}



export function primaryMetric(task: ServableModel['task']): 'accuracy' | 'rmse' {
  return task === 'classification' ? 'accuracy' : 'rmse';
}

export function isBetter(metric: string, candidate: number, incumbent: number): boolean {
  return directionOf(metric) === 'max' ? candidate > incumbent : candidate < incumbent;
}

/** Checks gate thresholds; returns the failures in words (metric, value, threshold). */
export function gateFailures(metrics: ModelMetrics, gate: Record<string, { min?: number | undefined; max?: number | undefined }>): string[] {
  const failures: string[] = [];
  for (const [name, { min, max }] of Object.entries(gate)) {
    const value = (metrics as unknown as Record<string, unknown>)[name];
    if (typeof value !== 'number') {
      failures.push(`${name} is not a metric of this model (metrics: ${Object.keys(metrics).filter((k) => typeof (metrics as unknown as Record<string, unknown>)[k] === 'number').join(', ')})`);
      continue;
    }
    if (min !== undefined && value < min) failures.push(`${name} ${value.toFixed(4)} is below min ${min}`);
    if (max !== undefined && value > max) failures.push(`${name} ${value.toFixed(4)} is above max ${max}`);
  }
  return failures;
}
