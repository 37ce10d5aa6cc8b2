import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { defineStep } from '../lib/dsl/defineStep';
import { TABULAR_FORMATS, type TabularFormat } from '../lib/data/duckdb';
import { formatOf } from '../lib/data/formatOf';
import { fetchToFile } from '../lib/data/fetchAllowed';
import { ingestFile } from '../lib/data/ingestFile';
import { querySqlToJsonl } from '../lib/data/sqlSource';
import { ConfigError, DataError } from '../lib/errors';
import { ignoreProgress, type ReportProgress } from '../lib/progress';
import { recordDataset } from '../lib/store/datasets';
import { recordRunArtifact } from '../lib/store/runArtifacts';

export const IngestConfigSchema = z.strictObject({
  /** A file path, an http(s) URL, or a postgres:// URL (with `query`). */
  source: z.string().min(1),
  format: z.enum(TABULAR_FORMATS).optional(),
  /** For postgres:// sources: the SELECT to run (read-only). */
  query: z.string().min(1).optional(),
  /** For URLs: hosts that may be fetched from (`*.example.com` for subdomains). */
  allowHosts: z.array(z.string()).default([]),
  /** For URLs: hosts allowed to resolve to private or loopback addresses. */
  privateHostsAllowed: z.array(z.string()).default([]),
  maxBytes: z.number().int().positive().default(2 * 1024 ** 3),
  maxRows: z.number().int().positive().default(10_000_000),
  timeoutMs: z.number().int().positive().default(300_000),
});
export type IngestConfig = z.output<typeof IngestConfigSchema>;

/** Brings the source to a local file; returns the file and its format. */
export async function acquire(config: IngestConfig, dir: string, progress: ReportProgress = ignoreProgress): Promise<{ path: string; format: TabularFormat; kind: 'file' | 'url' | 'sql' }> {
  if (/^postgres(ql)?:\/\//.test(config.source)) {
    if (!config.query) throw new ConfigError('a postgres:// source needs a query');
    const path = join(dir, 'query.jsonl');
    await querySqlToJsonl(config.source, config.query, path, { maxRows: config.maxRows, timeoutMs: config.timeoutMs }, progress);
    return { path, format: 'jsonl', kind: 'sql' };
  }
  if (/^https?:\/\//i.test(config.source)) {
    const format = formatOf(new URL(config.source).pathname, config.format);
    const path = join(dir, `download.${format}`);
    await fetchToFile(config.source, path, { allowHosts: config.allowHosts, privateHostsAllowed: config.privateHostsAllowed, maxBytes: config.maxBytes, timeoutMs: config.timeoutMs }, progress);
    return { path, format, kind: 'url' };
  }
  const info = await stat(config.source).catch(() => undefined);
  if (!info?.isFile()) throw new DataError(`no file at '${config.source}'`);
  if (info.size > config.maxBytes) throw new DataError(`'${config.source}' is ${info.size} bytes, over maxBytes ${config.maxBytes}`);
  return { path: config.source, format: formatOf(config.source, config.format), kind: 'file' };
}

/**
 * ingest: reads CSV, Parquet or JSON lines from a file, an allowed URL or a PostgreSQL query, and
 * stores it as a Parquet dataset artifact with a profile (rows, types, nulls, statistics, categories).
 * It heartbeats from progress: bytes fetched, rows queried or checked, DuckDB statements in flight.
 */
export const ingest = defineStep({
  name: 'ingest',
  config: IngestConfigSchema,
  heartbeat: 'manual',
  run: async ({ run, config }, runtime) => {
    if (!runtime.store) throw new ConfigError('ingest records datasets in the metadata store: run the worker with DATABASE_URL');
    const store = runtime.store;
    const dir = await mkdtemp(join(tmpdir(), 'cairn-ingest-'));
    try {
      runtime.heartbeat({ phase: 'acquire' });
      const source = await acquire(config, dir, runtime.heartbeat);
      runtime.heartbeat({ phase: 'read', format: source.format });
      const { dataset, profile } = await ingestFile(source.path, source.format, runtime.artifacts, dir, runtime.heartbeat);
      runtime.heartbeat({ phase: 'store', rows: profile.rows });
      const profileRef = await runtime.artifacts.put(Buffer.from(JSON.stringify(profile)), 'application/json');
      await recordDataset(store.pool, dataset, profile);
      await recordRunArtifact(store.pool, { runId: run.runId, step: run.step, name: 'dataset', ref: dataset });
      await recordRunArtifact(store.pool, { runId: run.runId, step: run.step, name: 'profile', ref: profileRef });
      return {
        dataset,
        profile: profileRef,
        rows: profile.rows,
        columns: profile.columns.map((c) => ({ name: c.name, type: c.type })),
        source: { kind: source.kind, format: source.format },
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
});
