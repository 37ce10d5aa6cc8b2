/**
 * ingest: a 1M-row, 8-column CSV through Cairn's ingest data path (strict structure check, DuckDB
 * load with type detection, profile, zstd Parquet artifact), beside, on the same file: csv-parse
 * reading it into typed JavaScript rows (what a hand-rolled ingest would start with), csv-parse
 * reading raw records (the structure check's rules, as csv-parse applied them before the check became
 * a byte scanner) beside that check alone, and pandas doing what a Python
 * user would (read_csv, describe, to_parquet with zstd; pyarrow on one thread), in a process of its own.
 */

import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { ArtifactStore } from '../lib/artifacts/artifactStore';
import { checkCsvStructure } from '../lib/data/csvStructure';
import { ingestFile } from '../lib/data/ingestFile';
import { seededRandom } from '../lib/seededRandom';
import { percentile, round } from './stats';
import { PROJECT_PYTHON } from '../lib/pythonWorker';

const PANDAS_SCRIPT = `
import sys, time
import pyarrow, pandas as pd
pyarrow.set_cpu_count(1)
pyarrow.set_io_thread_count(1)
t0 = time.perf_counter()
frame = pd.read_csv(sys.argv[1])
frame.describe(include="all")
frame.to_parquet(sys.argv[2], compression="zstd")
print(time.perf_counter() - t0)
`;

const ROWS = 1_000_000;

async function writeCsv(path: string): Promise<void> {
  const random = seededRandom(7);
  const out = createWriteStream(path);
  out.write('id,date,temp_max,temp_min,precipitation,wind,weather,station\n');
  const weather = ['sun', 'rain', 'fog', 'drizzle', 'snow'];
  for (let i = 0; i < ROWS; i++) {
    const day = new Date(Date.UTC(2012, 0, 1) + (i % 1461) * 86_400_000).toISOString().slice(0, 10);
    const line = `${i},${day},${(random() * 30).toFixed(1)},${(random() * 15).toFixed(1)},${(random() * 20).toFixed(1)},${(random() * 9).toFixed(1)},${weather[Math.floor(random() * 5)]},S${i % 50}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export async function ingest(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-ingest-'));
  const csv = join(dir, 'weather.csv');
  await writeCsv(csv);
  const artifacts = new ArtifactStore(join(dir, 'artifacts'));
  const cairn: number[] = [];
  const baseline: number[] = [];
  const records: number[] = [];
  const pandas: number[] = [];
  const checks: number[] = [];
  for (let i = 0; i < 3; i++) {
    let t0 = performance.now();
    const { profile } = await ingestFile(csv, 'csv', artifacts, mkdtempSync(join(dir, 'work-')));
    cairn.push((performance.now() - t0) / 1000);
    if (profile.rows !== ROWS) throw new Error(`expected ${ROWS} rows, got ${profile.rows}`);

    t0 = performance.now();
    let rows = 0;
    for await (const _row of createReadStream(csv).pipe(parse({ columns: true, cast: true, cast_date: false }))) rows += 1;
    baseline.push((performance.now() - t0) / 1000);
    if (rows !== ROWS) throw new Error(`csv-parse read ${rows} rows`);

    t0 = performance.now();
    let recordCount = 0;
    for await (const _record of createReadStream(csv).pipe(parse())) recordCount += 1;
    records.push((performance.now() - t0) / 1000);
    if (recordCount !== ROWS + 1) throw new Error(`csv-parse read ${recordCount} records`);

    t0 = performance.now();
    const checked = await checkCsvStructure(csv);
    checks.push((performance.now() - t0) / 1000);
    if (checked.rows !== ROWS) throw new Error(`the structure check counted ${checked.rows} rows`);

    pandas.push(Number(execFileSync(PROJECT_PYTHON, ['-c', PANDAS_SCRIPT, csv, join(dir, `pandas-${i}.parquet`)], { encoding: 'utf8' }).trim()));
  }
  const cairnSeconds = percentile(cairn, 50);
  const baselineSeconds = percentile(baseline, 50);
  const recordsSeconds = percentile(records, 50);
  const pandasSeconds = percentile(pandas, 50);
  const checkSeconds = percentile(checks, 50);
  const megabytes = statSync(csv).size / 1024 ** 2;
  console.log(`file: ${ROWS} rows x 8 columns, ${megabytes.toFixed(1)} MiB`);
  console.log(`cairn ingest (check + load + profile + Parquet + artifact): ${cairnSeconds.toFixed(2)} s median of 3 (${(ROWS / cairnSeconds / 1e6).toFixed(2)} M rows/s)`);
  console.log(`csv-parse to typed rows only:                              ${baselineSeconds.toFixed(2)} s median of 3 (${(ROWS / baselineSeconds / 1e6).toFixed(2)} M rows/s)`);
  console.log(`csv-parse raw records only (the same rules as the check):   ${recordsSeconds.toFixed(2)} s median of 3`);
  console.log(`Cairn's structure check alone (its byte scanner):           ${checkSeconds.toFixed(2)} s median of 3 (ratio ${(checkSeconds / recordsSeconds).toFixed(3)})`);
  console.log(`pandas read_csv + describe + to_parquet (zstd), one thread: ${pandasSeconds.toFixed(2)} s median of 3 (ratio ${(cairnSeconds / pandasSeconds).toFixed(2)})`);
  return `rows=${ROWS} mib=${round(megabytes, 1)} cairn_s=${round(cairnSeconds)} csv_parse_s=${round(baselineSeconds)} ratio=${round(cairnSeconds / baselineSeconds, 2)} csv_records_s=${round(recordsSeconds)} structure_check_s=${round(checkSeconds, 3)} check_vs_csv_records=${round(checkSeconds / recordsSeconds, 3)} pandas_s=${round(pandasSeconds)} vs_pandas=${round(cairnSeconds / pandasSeconds, 2)}`;
}
