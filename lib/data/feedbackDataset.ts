import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { artifactUri, type ArtifactRef } from '../artifacts/artifactRef';
import type { ArtifactStore } from '../artifacts/artifactStore';
import { DataError } from '../errors';
import { describeModel } from '../ml/servableModel';
import { ignoreProgress, type ReportProgress } from '../progress';
import { resolveAlias } from '../registry/aliases';
import { labelledInWindow } from '../store/predictionLogTable';
import { describeColumns, sqlIdentifier, sqlString, withDuckDb } from './duckdb';
import { parseFeedbackSource, type FeedbackLineage } from './feedbackSource';

export interface AssembledFeedback {
  /** A Parquet file: the model's feature columns and its target. */
  path: string;
  lineage: FeedbackLineage;
  /** The JSON artifact listing every prediction_log id used. */
  idsRef: ArtifactRef;
}

/**
 * Builds a training set from what a model served: its logged inputs in the window whose true label
 * came back as feedback, with the target named as the model names it, plus (training=include) the
 * version's own training data. A training row that a labelled prediction repeats is kept once (as
 * feedback); over `maxRows`, the newest feedback is kept first and the training data is sampled
 * (seeded) into the room left. Rows come out oldest first: training data, then feedback in the order
 * it was served. Fewer labelled predictions than `minLabelled` is a DataError: retraining on nothing
 * would only look like progress.
 */
export async function assembleFeedbackDataset(
  pool: Pool,
  artifacts: ArtifactStore,
  sourceText: string,
  dir: string,
  now: Date,
  progress: ReportProgress = ignoreProgress,
): Promise<AssembledFeedback> {
  const source = parseFeedbackSource(sourceText);
  const version = await resolveAlias(pool, source.model, source.alias);
  if (!version) throw new DataError(`${sourceText}: alias '${source.alias}' of model '${source.model}' points at no version; the feedback source takes its columns from that version`);
  const model = await describeModel(artifacts, artifactUri(version.modelSha256));
  const window = { from: new Date(now.getTime() - source.windowMs), to: now };
  progress({ phase: 'feedback' });
  const labelled = await labelledInWindow(pool, { model: source.model, ...window, limit: source.maxRows });
  if (labelled.length < source.minLabelled) {
    throw new DataError(
      `only ${labelled.length} of ${source.model}'s predictions served in the last ${source.window} have a feedback label; ${sourceText} needs at least ${source.minLabelled} (option minLabelled)`,
    );
  }
  const ids = labelled.map((row) => row.id).sort((a, b) => a - b);
  const idsRef = await artifacts.put(Buffer.from(JSON.stringify({ model: source.model, predictionLogIds: ids })), 'application/json');

  // Oldest first, numbered: `_n` keeps the order through DuckDB.
  const feedbackPath = join(dir, 'feedback.jsonl');
  const names = model.features.map((f) => f.name);
  await writeFile(
    feedbackPath,
    labelled
      .slice()
      .reverse()
      .map((row, n) => JSON.stringify({ ...Object.fromEntries(names.map((name) => [name, row.features[name] ?? null])), [model.target]: row.label, _n: n }))
      .join('\n') + '\n',
  );
  const types = new Map<string, string>([...model.features.map((f) => [f.name, f.kind === 'numeric' ? 'DOUBLE' : 'VARCHAR'] as const), [model.target, model.task === 'regression' ? 'DOUBLE' : 'VARCHAR']]);
  const columns = [...types.keys()];
  const path = join(dir, 'feedback.parquet');
  const training = await withDuckDb(async (db) => {
    const jsonColumns = `{${[...types, ['_n', 'BIGINT'] as const].map(([name, type]) => `${sqlString(name)}: ${sqlString(type)}`).join(', ')}}`;
    await db.run(`CREATE TABLE feedback AS SELECT * FROM read_json(${sqlString(feedbackPath)}, format = 'newline_delimited', columns = ${jsonColumns})`);
    const cast = (name: string) => `CAST(${sqlIdentifier(name)} AS ${types.get(name)}) AS ${sqlIdentifier(name)}`;
    const list = columns.map(sqlIdentifier).join(', ');
    if (source.training === 'exclude') {
      await db.run(`COPY (SELECT ${list} FROM feedback ORDER BY _n) TO ${sqlString(path)} (FORMAT parquet)`);
      return null;
    }
    const trainingPath = await artifacts.verifiedPath(artifactUri(version.lineage.datasetSha256)).catch(() => {
      throw new DataError(`${sourceText}: the training data of ${source.model} v${version.version} (dataset ${version.lineage.datasetSha256}) is not in the artifact store`);
    });
    const present = new Set((await describeColumns(db, `read_parquet(${sqlString(trainingPath)})`)).map((c) => c.name));
    const missing = columns.filter((name) => !present.has(name));
    if (missing.length > 0) throw new DataError(`${sourceText}: the training data of ${source.model} v${version.version} has no column ${missing.join(', ')}; use training=exclude`);
    await db.run(`CREATE TABLE base AS SELECT ${columns.map(cast).join(', ')}, row_number() OVER () AS _n FROM read_parquet(${sqlString(trainingPath)})`);
    // The k-th copy of a row in the training data is dropped when feedback holds at least k copies of it.
    const same = columns.map((name) => `b.${sqlIdentifier(name)} IS NOT DISTINCT FROM f.${sqlIdentifier(name)}`).join(' AND ');
    await db.run(
      `CREATE TABLE kept AS SELECT b.* EXCLUDE (copy) FROM (SELECT *, row_number() OVER (PARTITION BY ${list} ORDER BY _n) AS copy FROM base) b
         LEFT JOIN (SELECT ${list}, count(*) AS copies FROM feedback GROUP BY ALL) f ON ${same}
        WHERE b.copy > coalesce(f.copies, 0)`,
    );
    const room = source.maxRows - labelled.length;
    // A seeded hash order picks the sample: the same inputs give the same dataset on any machine.
    await db.run(`CREATE TABLE sample AS SELECT * FROM kept ORDER BY hash(_n + ${source.seed}) LIMIT ${room}`);
    await db.run(`COPY (SELECT ${list} FROM (SELECT *, 0 AS part FROM sample UNION ALL SELECT *, 1 AS part FROM feedback) ORDER BY part, _n) TO ${sqlString(path)} (FORMAT parquet)`);
    const counted = async (table: string) => Number((await (await db.runAndReadAll(`SELECT count(*) AS n FROM ${table}`)).getRowObjectsJS())[0]?.n ?? 0);
    const [all, kept, sampled] = [await counted('base'), await counted('kept'), await counted('sample')];
    return { dataset: version.lineage.datasetSha256, rows: sampled, repeatedByFeedback: all - kept, sampledOut: kept - sampled };
  }, progress);
  return {
    path,
    idsRef,
    lineage: {
      model: source.model,
      alias: source.alias,
      version: version.version,
      window: { from: window.from.toISOString(), to: window.to.toISOString() },
      predictionLog: { rows: labelled.length, firstId: ids[0] ?? null, lastId: ids.at(-1) ?? null, ids: idsRef.uri },
      training,
      maxRows: source.maxRows,
    },
  };
}
