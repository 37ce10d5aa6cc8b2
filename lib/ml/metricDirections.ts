/**
 * Which way is better for each metric the built-in evaluate reports: what evaluate's comparison with
 * the production model and pick-best's choice of a sweep's trial go by when not told otherwise (a
 * sweep over rmse that took the highest would register the worst model).
 */
export const METRIC_DIRECTIONS = {
  accuracy: 'max',
  macroF1: 'max',
  rocAuc: 'max',
  r2: 'max',
  logLoss: 'min',
  rmse: 'min',
  mae: 'min',
} as const satisfies Record<string, 'max' | 'min'>;

export type MetricDirection = 'max' | 'min';
export type MetricName = keyof typeof METRIC_DIRECTIONS;

/** The metrics evaluate reports for each kind of model. */
export const METRICS_BY_TASK: Record<'classification' | 'regression', readonly MetricName[]> = {
  classification: ['accuracy', 'macroF1', 'rocAuc', 'logLoss'],
  regression: ['rmse', 'mae', 'r2'],
};

/** The direction Cairn knows for a metric, or undefined for one evaluate does not report. */
export function directionOf(metric: string): MetricDirection | undefined {
  return Object.hasOwn(METRIC_DIRECTIONS, metric) ? METRIC_DIRECTIONS[metric as keyof typeof METRIC_DIRECTIONS] : undefined;
}

/** The metrics evaluate reports, by direction: for messages that list them. */
export function knownMetricsText(): string {
  const by = (direction: MetricDirection) => Object.entries(METRIC_DIRECTIONS).filter(([, d]) => d === direction).map(([m]) => m).join(', ');
  return `higher is better: ${by('max')}; lower: ${by('min')}`;
}
