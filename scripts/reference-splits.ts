/**
 * Writes the fixed train/test splits of the example datasets (seed 42, 20% holdout) that the
 * scikit-learn reference (test/fixtures/reference/sklearn_reference.py) trains and scores on:
 *   npx tsx scripts/reference-splits.ts && python3 test/fixtures/reference/sklearn_reference.py
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArtifactStore } from '../lib/artifacts/artifactStore';
import { ingestFile } from '../lib/data/ingestFile';
import { trainModel } from '../lib/ml/trainModel';
import { DEFAULT_L2 } from '../lib/stages/train';
import { EXAMPLE_DATASETS } from '../definitions/exampleData';

const OUT = fileURLToPath(new URL('../test/fixtures/reference/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cairn-reference-'));
const artifacts = new ArtifactStore(join(dir, 'artifacts'));
for (const example of [EXAMPLE_DATASETS.penguins, EXAMPLE_DATASETS.seattleWeather]) {
  const { dataset } = await ingestFile(example.path, example.format, artifacts, mkdtempSync(join(dir, 'w-')));
  const result = await trainModel(await artifacts.verifiedPath(dataset), { target: example.target, algorithm: 'logistic-regression', l2: DEFAULT_L2, maxIterations: 500, testFraction: 0.2, seed: 42 });
  writeFileSync(
    `${OUT}${example.name}-split.json`,
    `${JSON.stringify({ dataset: example.file, target: example.target, features: result.model.features, l2: DEFAULT_L2, train: result.split.train, test: result.split.test })}\n`,
  );
  console.log(`${example.name}: cairn holdout accuracy ${result.metrics.holdoutScore.toFixed(4)} (${result.metrics.testRows} rows)`);
}
