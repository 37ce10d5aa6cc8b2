import { defineRegistry } from '../lib/dsl';
import { join } from 'node:path';
import { VEGA_DATA } from './exampleData';
import { penguins, seattleWeather } from './examples';
import { landingCheck } from './landingCheck';
import { penguinsSklearn } from './pythonSteps';
import { penguinsSweep } from './penguinsSweep';
import { quickstart } from './quickstart';
import { tabularClassification, tabularRegression } from './tabular';
import { weatherLoop } from './weatherLoop';

/** Every pipeline Cairn knows. Building it validates them all: a bad definition stops start-up. */
export const registry = defineRegistry({
  pipelines: [quickstart, landingCheck, tabularClassification, tabularRegression, seattleWeather, penguins, penguinsSweep, penguinsSklearn, weatherLoop],
  // The examples read only their own data: the vega-datasets package and definitions/data.
  dataRoots: [VEGA_DATA, join(import.meta.dirname, 'data')],
});
