import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineStep } from '../lib/dsl/defineStep';
import type { CsvDialect, TabularFormat } from '../lib/data/formats';
import { ingestStage, type IngestConfig } from '../lib/stages/ingest';
import { formatOf } from '../lib/data/formatOf';
import { assembleFeedbackDataset } from '../lib/data/feedbackDataset';
import { isFeedbackSource } from '../lib/data/feedbackSource';
import { fetchToFile, ingestFetchPolicy } from '../lib/data/fetchAllowed';
import { renamedText } from '../lib/data/csvHeader';
import { ingestFile, readOptions } from '../lib/data/ingestFile';
import { allowedFile, sqlConnection, type SourcePolicy } from '../lib/data/sourcePolicy';
import { querySqlToJsonl } from '../lib/data/sqlSource';
import { sourceFingerprint } from '../lib/data/sourceFingerprint';
import { redactProfile } from '../lib/data/profile';
import { redactUrl } from '../lib/auth/redact';
import { ConfigError, DataError } from '../lib/errors';
import { ID_PATTERNS } from '../lib/ids';
import { ignoreProgress, type ReportProgress } from '../lib/progress';
import { recordDataset } from '../lib/store/datasets';
import { recordRunArtifact } from '../lib/store/runArtifacts';

/** `sql:<name>`: a query against a connection the deployment declared (CAIRN_SQL_CONNECTIONS). */
const SQL_SOURCE = new RegExp(`^sql:(${ID_PATTERNS.sqlConnection.source.slice(1, -1)})$`);

/** Brings the source to a local file, as the deployment's source policy allows; returns the file and its format. */
export async function acquire(
  config: IngestConfig,
  dir: string,
  policy: SourcePolicy,
  progress: ReportProgress = ignoreProgress,
): Promise<{ path: string; format: TabularFormat; kind: 'file' | 'url' | 'sql' }> {
  const sql = SQL_SOURCE.exec(config.source);
  if (sql) {
    if (!config.query) throw new ConfigError(`a ${config.source} source needs a query`);
    const path = join(dir, 'query.jsonl');
    await querySqlToJsonl(sqlConnection(policy, sql[1] as string), config.query, path, { maxRows: config.maxRows, timeoutMs: config.timeoutMs }, progress);
    return { path, format: 'jsonl', kind: 'sql' };
  }
  if (/^https?:\/\//i.test(config.source)) {
    const format = formatOf(new URL(config.source).pathname, config.format);
    const path = join(dir, `download.${format}`);
    await fetchToFile(config.source, path, ingestFetchPolicy(config, policy), progress);
    return { path, format, kind: 'url' };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(config.source)) throw new ConfigError(`'${redactUrl(config.source)}': only files, http(s) URLs and sql:<connection> can be ingested`);
  const path = await allowedFile(policy, config.source);
  const info = await stat(path);
  if (!info.isFile()) throw new DataError(`no file at '${config.source}'`);
  if (info.size > config.maxBytes) throw new DataError(`'${config.source}' is ${info.size} bytes, over maxBytes ${config.maxBytes}`);
  return { path, format: formatOf(config.source, config.format), kind: 'file' };
}

/** A dialect as a log line says it: `delimiter ';', decimal ','`. */
function dialectText(csv: CsvDialect): string {
  return `delimiter ${csv.delimiter === '\t' ? 'tab' : `'${csv.delimiter}'`}, decimal '${csv.decimalSeparator}'`;
}

/**
 * ingest: reads CSV, Parquet or JSON lines (gzip too) from a file under a data root, an allowed URL
 * or a named PostgreSQL connection, and stores it as a Parquet dataset artifact with a profile
 * (rows, types, nulls, statistics, categories). It heartbeats from progress: bytes fetched or
 * decompressed, rows queried or checked, DuckDB statements in flight.
 */
export const ingest = defineStep({
  name: ingestStage.name,
  needsStore: true,
  config: ingestStage.config,
  output: ingestStage.output,
  heartbeat: 'manual',
  fingerprint: (config, { sources }) => sourceFingerprint(config, sources),
  run: async ({ run, config }, runtime) => {
    const store = runtime.store;
    const dir = await mkdtemp(join(tmpdir(), 'cairn-ingest-'));
    try {
      runtime.heartbeat({ phase: 'acquire' });
      const feedback = isFeedbackSource(config.source) ? await assembleFeedbackDataset(store.pool, runtime.artifacts, config.source, dir, new Date(), runtime.heartbeat) : undefined;
      const source = feedback ? { path: feedback.path, format: 'parquet' as const, kind: 'feedback' as const } : await acquire(config, dir, runtime.sources, runtime.heartbeat);
      const options = readOptions(config, source.format);
      runtime.heartbeat({ phase: 'read', format: source.format });
      const ingested = await ingestFile(source.path, source.format, runtime.artifacts, dir, runtime.heartbeat, options);
      const dataset = ingested.dataset;
      const profile = redactProfile(ingested.profile, config.redactProfile);
      runtime.heartbeat({ phase: 'store', rows: profile.rows });
      runtime.log.info(`read ${profile.rows} rows and ${profile.columns.length} columns (${source.kind}, ${source.format}${ingested.csv ? `, ${dialectText(ingested.csv)}` : ''})`, { dataset: dataset.sha256 });
      if (ingested.renamed.length > 0) runtime.log.warn(`header names changed: ${renamedText(ingested.renamed)} (training, serving and contracts use the new names)`, { renamed: ingested.renamed });
      const profileRef = await runtime.artifacts.put(Buffer.from(JSON.stringify(profile)), 'application/json');
      await recordDataset(store.pool, dataset, profile, {
        kind: source.kind,
        format: source.format,
        location: source.kind === 'url' ? redactUrl(config.source) : config.source,
        ...(config.query ? { query: config.query } : {}),
        ...(feedback ? { feedback: feedback.lineage } : {}),
      });
      if (feedback) await recordRunArtifact(store.pool, { runId: run.runId, step: run.step, name: 'feedback-rows', ref: feedback.idsRef });
      await recordRunArtifact(store.pool, { runId: run.runId, step: run.step, name: 'dataset', ref: dataset });
      await recordRunArtifact(store.pool, { runId: run.runId, step: run.step, name: 'profile', ref: profileRef });
      return {
        dataset,
        profile: profileRef,
        rows: profile.rows,
        columns: profile.columns.map((c) => ({ name: c.name, type: c.type })),
        source: { kind: source.kind, format: source.format, ...(ingested.csv ? { csv: ingested.csv } : {}) },
        ...(feedback ? { feedback: feedback.lineage } : {}),
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
});
