import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'pg';
import type { ArtifactRef } from '../artifacts/artifactRef';
import type { ArtifactStore } from '../artifacts/artifactStore';
import type { RunContext } from '../dsl/stepIo';
import { DataError } from '../errors';
import type { StepLog } from '../logs/stepLogger';
import type { ReportProgress } from '../progress';
import { recordDataset } from '../store/datasets';
import { recordRunArtifact } from '../store/runArtifacts';
import { ingestFile } from './ingestFile';
import { redactProfile } from './profile';
import { rowsToJsonl, type DatasetRows } from './rowsToJsonl';
import type { WrittenDataset } from './writtenDataset';

export interface WriteDatasetOptions {
  /** The datasets these rows were computed from (their refs, e.g. ingest's `dataset`): kept as the new dataset's lineage. */
  derivedFrom?: ReadonlyArray<Pick<ArtifactRef, 'sha256'>>;
  /** Columns whose values stay out of the stored profile (`*` for all), as ingest's `redactProfile`. */
  redactProfile?: readonly string[];
  /** The name the run's artifact list shows (default `dataset`); a step writing several datasets names each. */
  name?: string;
}

interface WriterContext {
  artifacts: ArtifactStore;
  pool: Pool | undefined;
  run: RunContext;
  /** The map item the execution is for: its artifacts are recorded as `<step>[<index>]`. */
  itemIndex?: number;
  log: StepLog;
  progress: ReportProgress;
  signal: AbortSignal;
}

/**
 * A step's `writeDataset(rows)`: stores rows a step computed (features, a cleaned table, a join) as
 * a dataset exactly as ingest stores a file: a zstd Parquet artifact with a profile, recorded with the
 * run and step that wrote it and the datasets it came from, so validate, train, evaluate and monitor
 * take it from this step (`from: '<step>'`), and its data card names where it came from.
 */
export function datasetWriter(context: WriterContext): (rows: DatasetRows, options?: WriteDatasetOptions) => Promise<WrittenDataset> {
  return async (rows, options = {}) => {
    const { artifacts, pool, run, itemIndex, log, progress, signal } = context;
    const dir = await mkdtemp(join(tmpdir(), 'cairn-write-dataset-'));
    try {
      const jsonl = join(dir, 'rows.jsonl');
      const count = await rowsToJsonl(rows, jsonl, { signal, progress: (written) => progress({ phase: 'write-dataset', rows: written }) });
      if (count === 0) throw new DataError('writeDataset: no rows were given (a dataset needs at least one)');
      progress({ phase: 'write-dataset', rows: count, stage: 'parquet' });
      const stored = await ingestFile(jsonl, 'jsonl', artifacts, dir, progress);
      const profile = redactProfile(stored.profile, options.redactProfile ?? []);
      const profileRef = await artifacts.put(Buffer.from(JSON.stringify(profile)), 'application/json');
      const step = itemIndex === undefined ? run.step : `${run.step}[${itemIndex}]`;
      if (pool) {
        const derivedFrom = [...new Set((options.derivedFrom ?? []).map((ref) => ref.sha256))];
        await recordDataset(pool, stored.dataset, profile, { kind: 'step', format: 'parquet', location: `${run.pipeline}/${step}`, ...(derivedFrom.length > 0 ? { derivedFrom } : {}) });
        const name = options.name ?? 'dataset';
        await recordRunArtifact(pool, { runId: run.runId, step, name, ref: stored.dataset });
        await recordRunArtifact(pool, { runId: run.runId, step, name: name === 'dataset' ? 'profile' : `${name}-profile`, ref: profileRef });
      }
      log.info(`wrote a dataset of ${profile.rows} rows and ${profile.columns.length} columns`, { dataset: stored.dataset.sha256 });
      return { dataset: stored.dataset, profile: profileRef, rows: profile.rows, columns: profile.columns.map((c) => ({ name: c.name, type: c.type })) };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}
