/**
 * ingest: a 1M-row, 8-column CSV through Cairn's ingest data path (strict structure check, DuckDB
 * load with type detection, profile, zstd Parquet artifact), beside csv-parse reading the same file
 * into typed JavaScript rows (what a hand-rolled ingest would start with), in the same process.
 */
import { createReadStream, createWriteStream, mkdtempSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { ArtifactStore } from '../lib/artifacts/artifactStore';
import { ingestFile } from '../lib/data/ingestFile';
import { seededRandom } from '../lib/seededRandom';
import { percentile, round } from './stats';

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
  }
  const cairnSeconds = percentile(cairn, 50);
  const baselineSeconds = percentile(baseline, 50);
  const megabytes = statSync(csv).size / 1024 ** 2;
  console.log(`file: ${ROWS} rows x 8 columns, ${megabytes.toFixed(1)} MiB`);
  console.log(`cairn ingest (check + load + profile + Parquet + artifact): ${cairnSeconds.toFixed(2)} s median of 3 (${(ROWS / cairnSeconds / 1e6).toFixed(2)} M rows/s)`);
  console.log(`csv-parse to typed rows only:                              ${baselineSeconds.toFixed(2)} s median of 3 (${(ROWS / baselineSeconds / 1e6).toFixed(2)} M rows/s)`);
  return `rows=${ROWS} mib=${round(megabytes, 1)} cairn_s=${round(cairnSeconds)} csv_parse_s=${round(baselineSeconds)} ratio=${round(cairnSeconds / baselineSeconds, 2)}`;
}
