import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Real public data sets that the npm package vega-datasets ships, used by the examples and tests. */
// The package exports only its JS entry (build/index.js); the data folder sits beside build/.
export const VEGA_DATA = join(dirname(createRequire(import.meta.url).resolve('vega-datasets')), '..', 'data');

export const EXAMPLE_DATASETS = {
  /** 1,461 days of Seattle weather, 2012-2015: classify the weather type. */
  seattleWeather: { name: 'seattle-weather', file: 'seattle-weather.csv', path: join(VEGA_DATA, 'seattle-weather.csv'), format: 'csv', target: 'weather' },
  /** 344 penguins from the Palmer Station: classify the species. */
  penguins: { name: 'penguins', file: 'penguins.json', path: join(VEGA_DATA, 'penguins.json'), format: 'json', target: 'Species' },
} as const;
