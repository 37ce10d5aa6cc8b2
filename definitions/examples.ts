import { EXAMPLE_DATASETS } from './exampleData';
import { tabularPipeline } from './tabular';

/** Weather type (rain, sun, fog, drizzle, snow) from a day's precipitation, temperatures and wind. */
export const seattleWeather = tabularPipeline({
  id: 'seattle-weather',
  description: 'Classifies Seattle weather types, 2012-2015 (vega-datasets), and registers the model as "weather"',
  task: 'classification',
  defaults: { dataset: EXAMPLE_DATASETS.seattleWeather.path, target: 'weather', model: 'weather' },
});

/** Penguin species from island, beak, flipper, body mass and sex. */
export const penguins = tabularPipeline({
  id: 'penguins',
  description: 'Classifies Palmer penguin species (vega-datasets) and registers the model as "penguins"',
  task: 'classification',
  defaults: { dataset: EXAMPLE_DATASETS.penguins.path, target: 'Species', model: 'penguins' },
});
