import { z } from 'zod';
import { DataError, defineStep, outputOf, readDataset } from '@cairn-ml/cairn';

/**
 * A custom step: reads the rows ingest loaded and checks every temperature is in range. A bad
 * reading is a DataError, which Cairn does not retry: the run waits for an operator instead.
 */
export const checkReadings = defineStep({
  name: 'check-readings',
  config: z.strictObject({ maxTemperature: z.number() }),
  output: z.object({ rows: z.number().int(), hottest: z.number(), sensors: z.number().int() }),
  run: async ({ config, upstream }, runtime) => {
    const loaded = outputOf(upstream, 'load', 'ingest');
    const rows = await readDataset(runtime.artifacts, loaded.dataset);
    let hottest = -Infinity;
    const sensors = new Set<string>();
    for (const row of rows) {
      const temperature = Number(row.temperature);
      if (!Number.isFinite(temperature)) throw new DataError(`sensor ${String(row.sensor)}: temperature ${String(row.temperature)} is not a number`);
      if (temperature > config.maxTemperature) throw new DataError(`sensor ${String(row.sensor)} read ${temperature} °C, above ${config.maxTemperature} °C`);
      hottest = Math.max(hottest, temperature);
      sensors.add(String(row.sensor));
    }
    return { rows: rows.length, hottest, sensors: sensors.size };
  },
});
