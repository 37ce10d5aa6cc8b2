import { defineStep, outputOf, readDataset, WrittenDatasetSchema } from '@cairn-ml/cairn';

/**
 * A step that computes a table: each sensor's mean temperature per day. `writeDataset` stores it as
 * ingest stores a file (Parquet with a profile, recorded as derived from the readings), so validate,
 * train or monitor can read it next with `from: 'daily'`, and `cairn data-card` says where it came from.
 */
export const dailyMeans = defineStep({
  name: 'daily-means',
  output: WrittenDatasetSchema,
  run: async ({ upstream }, runtime) => {
    const loaded = outputOf(upstream, 'load', 'ingest');
    const days = new Map<string, { sensor: string; day: string; total: number; readings: number }>();
    for (const row of await readDataset(runtime.artifacts, loaded.dataset)) {
      const sensor = String(row.sensor);
      const day = String(row.time).slice(0, 10);
      const entry = days.get(`${sensor} ${day}`) ?? { sensor, day, total: 0, readings: 0 };
      entry.total += Number(row.temperature);
      entry.readings += 1;
      days.set(`${sensor} ${day}`, entry);
    }
    const rows = [...days.values()].map(({ sensor, day, total, readings }) => ({ sensor, day, meanTemperature: total / readings, readings }));
    return runtime.writeDataset(rows, { derivedFrom: [loaded.dataset] });
  },
});
