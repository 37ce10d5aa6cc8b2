/**
 * Cuts vega-datasets' seattle-weather.csv (BSD-3-Clause) into the yearly slices the weather-loop
 * demo uses, into definitions/data/ (committed, so definitions can name them): `npx tsx scripts/weather-slices.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE_DATASETS } from '../definitions/exampleData';

const [header, ...days] = readFileSync(EXAMPLE_DATASETS.seattleWeather.path, 'utf8').trim().split('\n');
const slices: Record<string, (year: number) => boolean> = {
  'seattle-weather-2012-2013.csv': (year) => year <= 2013,
  'seattle-weather-2014.csv': (year) => year === 2014,
  'seattle-weather-2015.csv': (year) => year === 2015,
};
for (const [file, keep] of Object.entries(slices)) {
  const rows = days.filter((line) => keep(Number(line.slice(0, 4))));
  writeFileSync(join(import.meta.dirname, '..', 'definitions', 'data', file), `${[header, ...rows].join('\n')}\n`);
  console.log(`${file}: ${rows.length} days`);
}
