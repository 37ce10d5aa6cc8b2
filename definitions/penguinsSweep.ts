import { z } from 'zod';
import { definePipeline, sweep } from '../lib/dsl';
import { EXAMPLE_DATASETS } from './exampleData';

/**
 * A hyperparameter sweep: the boosted trees' depth and learning rate on the penguins, every trial
 * trained and scored on the same seeded split (and recorded in `cairn experiments`), the best by
 * holdout accuracy registered as "penguins-tuned" with the whole sweep in its lineage.
 */
export const penguinsSweep = definePipeline({
  id: 'penguins-sweep',
  description: 'Sweeps gradient-boosted trees (depth x learning rate) on Palmer penguins and registers the best trial as "penguins-tuned"',
  params: z.object({}),
  steps: {
    data: { activity: 'ingest', config: { source: EXAMPLE_DATASETS.penguins.path } },
    ...sweep('tune', {
      after: ['data'],
      train: { target: 'Species', algorithm: 'gradient-boosted-trees', rounds: 60, seed: 42 },
      search: { grid: { maxDepth: [2, 4], learningRate: [0.05, 0.3] } },
      metric: 'accuracy',
      concurrency: 2,
    }),
    entry: {
      activity: 'register',
      after: ['tune-best'],
      config: {
        model: 'penguins-tuned',
        card: {
          intendedUse: 'Telling Adelie, Chinstrap and Gentoo penguins apart, with the settings a sweep chose, for teaching and demos.',
          outOfScope: 'Other species or regions, and any decision about individual animals.',
          factors: ['Island', 'Sex'],
          caveats: ['Chosen on the holdout it is scored on: its accuracy there is a little optimistic.'],
        },
      },
    },
  },
});
