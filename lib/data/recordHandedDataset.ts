import type { Pool } from 'pg';
import type { ArtifactRef } from '../artifacts/artifactRef';
import type { RunContext } from '../dsl/stepIo';
import { datasetRows, recordDataset } from '../store/datasets';
import { recordRunArtifact } from '../store/runArtifacts';
import { sqlString, withDuckDb } from './duckdb';
import { parquetDerivedFrom } from './parquetLineage';
import { profileTable } from './profile';
import type { ReportProgress } from '../progress';

/**
 * Records a dataset that reached a built-in stage without ingest or writeDataset (a Python step's
 * `put_dataset`, any Parquet file a step stored) the first time a stage reads it: its profile, the
 * step that handed it on, and that step's run artifact, so it has a data card and a model trained on
 * it has training data on its card, and the datasets the file says it was derived from
 * (lib/data/parquetLineage.ts). A dataset already recorded costs one indexed lookup; `pathOf`
 * (its verified file) is called only for one that is not.
 */
export async function recordHandedDataset(pool: Pool, dataset: ArtifactRef, pathOf: () => Promise<string>, from: { run: RunContext; step: string }, progress?: ReportProgress): Promise<void> {
  if ((await datasetRows(pool, dataset.sha256)) !== undefined) return;
  // Asked for only now: a stage that reads the file later anyway (monitor) does not hash it for nothing.
  const path = await pathOf();
  const { profile, derivedFrom } = await withDuckDb(async (connection) => {
    await connection.run(`CREATE VIEW data AS SELECT * FROM read_parquet(${sqlString(path)})`);
    return { profile: await profileTable(connection), derivedFrom: await parquetDerivedFrom(connection, path) };
  }, progress);
  await recordDataset(pool, dataset, profile, { kind: 'step', format: 'parquet', location: `${from.run.pipeline}/${from.step}`, ...(derivedFrom.length > 0 ? { derivedFrom } : {}) });
  await recordRunArtifact(pool, { runId: from.run.runId, step: from.step, name: 'dataset', ref: dataset });
}
