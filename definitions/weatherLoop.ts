import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onDrift } from '../lib/dsl';
import { tabularPipeline } from './tabular';

const data = (file: string) => join(import.meta.dirname, 'data', file);

/** Where the weather-loop demo's data comes from: yearly slices of seattle-weather (definitions/data). */
export const WEATHER_LOOP_DATA = {
  initial: data('seattle-weather-2012-2013.csv'),
  served: data('seattle-weather-2014.csv'),
  evaluation: data('seattle-weather-2015.csv'),
};

/** Days of the served year (2014) in `months` ('06'...): the model's inputs, and that day's weather (the feedback label). */
export function servedDays(months: string[]): { instance: Record<string, number>; label: string }[] {
  const [, ...lines] = readFileSync(WEATHER_LOOP_DATA.served, 'utf8').trim().split('\n');
  return lines
    .map((line) => line.split(','))
    .filter(([date]) => months.includes((date as string).slice(5, 7)))
    .map(([, precipitation, tempMax, tempMin, wind, weather]) => ({
      instance: { precipitation: Number(precipitation), temp_max: Number(tempMax), temp_min: Number(tempMin), wind: Number(wind) },
      label: weather as string,
    }));
}

/**
 * The closed loop: trains the "weather-loop" model on 2012-2013, evaluates it on 2015 and promotes it
 * to production when it beats the version serving now. A drift trigger watches production's served
 * inputs; when they drift past the thresholds, it retrains on what production served since and the
 * true weather that came back as feedback, added to v1's own training data (a production-feedback
 * retrain), at most once a day, and only with at least 50 labelled days to learn from.
 */
export const weatherLoop = tabularPipeline({
  id: 'weather-loop',
  description: 'Trains, evaluates against production, registers and deploys the "weather-loop" model; retrains itself when its served inputs drift',
  task: 'classification',
  defaults: { dataset: WEATHER_LOOP_DATA.initial, target: 'weather', model: 'weather-loop', algorithm: 'gradient-boosted-trees', gate: 0.7, evaluationDataset: WEATHER_LOOP_DATA.evaluation },
  promote: true,
  card: {
    intendedUse: "Labelling a day's weather in Seattle from its measurements, retrained when what it serves drifts: the demo of Cairn's closed loop.",
    outOfScope: 'Forecasting, and any other city or climate.',
    factors: ['season', 'year'],
    caveats: ['Evaluated on 2015 only; drizzle and snow are rare in the data, so their labels are the least reliable.'],
  },
  triggers: [
    onDrift('weather-loop', {
      name: 'drift',
      every: '1h',
      window: '30d',
      minRows: 60,
      cooldown: '1d',
      thresholds: { psi: 0.25, minDriftedFeatures: 1 },
      retrainOn: 'production-feedback',
      feedback: { minLabelled: 50 },
    }),
  ],
});
