import type { Pool } from 'pg';
import client from 'prom-client';
import type { ModelDriftReport } from '../drift/modelDrift';
import { latestCheckedReports } from '../store/driftReportsTable';

const STATISTICS: [string, (s: Record<string, unknown>) => unknown][] = [
  ['psi', (s) => s.psi],
  ['ks_statistic', (s) => (s.ks as { statistic?: number } | undefined)?.statistic],
  ['ks_p_value', (s) => (s.ks as { pValue?: number } | undefined)?.pValue],
  ['jensen_shannon', (s) => s.jensenShannon],
  ['wasserstein', (s) => s.wasserstein],
  ['chi_square_p_value', (s) => (s.chiSquare as { pValue?: number } | undefined)?.pValue],
];

function replace<T extends string>(name: string, make: () => client.Gauge<T>): client.Gauge<T> {
  if (client.register.getSingleMetric(name)) client.register.removeSingleMetric(name);
  return make();
}

/**
 * The latest drift report of every model, read from the store at scrape time (like run counts), so
 * every API replica reports the same figures whichever worker ran the watcher.
 */
export function registerDriftGauges(pool: () => Pool | undefined): void {
  let latest: Promise<Omit<ModelDriftReport, 'id' | 'createdAt'>[]> | undefined;
  // Both gauges collect in the same scrape: read the reports once per scrape.
  const reports = () =>
    (latest ??= (async () => {
      const p = pool();
      if (!p) return [];
      return latestCheckedReports(p);
    })().finally(() => setTimeout(() => (latest = undefined), 0)));
  replace('cairn_drift_score', () =>
    new client.Gauge({
      name: 'cairn_drift_score',
      help: "Latest drift statistics per model and feature (feature 'prediction' is the model's output), by statistic",
      labelNames: ['model', 'feature', 'statistic'] as const,
      async collect() {
        this.reset();
        for (const report of await reports()) {
          for (const feature of [...report.features, ...(report.prediction ? [report.prediction] : [])]) {
            for (const [statistic, read] of STATISTICS) {
              const value = read((feature.statistics ?? {}) as Record<string, unknown>);
              if (typeof value === 'number') this.set({ model: report.model, feature: feature.feature, statistic }, value);
            }
          }
        }
      },
    }),
  );
  replace('cairn_drift_detected', () =>
    new client.Gauge({
      name: 'cairn_drift_detected',
      help: 'Whether the latest drift report of a model found drift (1) or not (0), with the version it watched',
      labelNames: ['model', 'version'] as const,
      async collect() {
        this.reset();
        for (const report of await reports()) this.set({ model: report.model, version: String(report.version) }, report.drifted ? 1 : 0);
      },
    }),
  );
}
