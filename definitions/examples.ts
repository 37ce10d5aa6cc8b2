import { EXAMPLE_DATASETS } from './exampleData';
import { tabularPipeline } from './tabular';

/** Weather type (rain, sun, fog, drizzle, snow) from a day's precipitation, temperatures and wind. */
export const seattleWeather = tabularPipeline({
  id: 'seattle-weather',
  description: 'Classifies Seattle weather types, 2012-2015 (vega-datasets), and registers the model as "weather"',
  task: 'classification',
  defaults: { dataset: EXAMPLE_DATASETS.seattleWeather.path, target: 'weather', model: 'weather' },
  card: {
    intendedUse: "Labelling a day's weather in Seattle from its measurements, for teaching and demos.",
    outOfScope: 'Forecasting, and any other city or climate.',
    factors: ['season', 'year'],
    caveats: ['Four years of one weather station (2012-2015); drizzle and snow are rare in the data, so their labels are the least reliable.'],
  },
});

/** Penguin species from island, beak, flipper, body mass and sex. */
export const penguins = tabularPipeline({
  id: 'penguins',
  description: 'Classifies Palmer penguin species (vega-datasets) and registers the model as "penguins"',
  task: 'classification',
  defaults: { dataset: EXAMPLE_DATASETS.penguins.path, target: 'Species', model: 'penguins' },
  card: {
    intendedUse: 'Telling Adelie, Chinstrap and Gentoo penguins apart from beak, flipper and body measurements, for teaching and demos.',
    outOfScope: 'Other species or regions, and any decision about individual animals.',
    factors: ['Island', 'Sex'],
    caveats: ['344 birds from three islands of the Palmer Archipelago, 2007-2009; rows with missing measurements are dropped in training.'],
  },
});
