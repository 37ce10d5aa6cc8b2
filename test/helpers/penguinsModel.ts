import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { EXAMPLE_DATASETS } from '../../definitions/exampleData';
import type { ArtifactStore } from '../../lib/artifacts/artifactStore';
import { ingestFile } from '../../lib/data/ingestFile';
import { trainModel } from '../../lib/ml/trainModel';
import { registerVersion } from '../../lib/registry/registry';

/** A penguin the penguins model calls Gentoo: a valid instance for prediction requests. */
export const GENTOO = { Island: 'Biscoe', 'Beak Length (mm)': 47.5, 'Beak Depth (mm)': 14.2, 'Flipper Length (mm)': 217, 'Body Mass (g)': 5200, Sex: 'MALE' };

/** Trains a penguins classifier on the example data and registers it as the next version of 'penguins'. */
export async function registerPenguins(pool: Pool, artifacts: ArtifactStore, l2: number, runId: string) {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-serve-w-'));
  const { dataset } = await ingestFile(EXAMPLE_DATASETS.penguins.path, 'json', artifacts, dir);
  const result = await trainModel(await artifacts.verifiedPath(dataset), { target: 'Species', l2 });
  const model = await artifacts.put(Buffer.from(JSON.stringify(result.model)), 'application/vnd.cairn.model+json');
  return registerVersion(pool, {
    model: 'penguins',
    modelRef: model,
    algorithm: result.model.algorithm,
    metrics: { accuracy: result.metrics.holdoutScore },
    params: { l2 },
    lineage: { runId, workflowRunId: 'r', step: 'entry', pipeline: 'penguins', specHash: 'h', datasetSha256: dataset.sha256, codeVersion: 'test' },
  });
}
