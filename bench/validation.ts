/**
 * validation: a 20-column contract checked on 1M rows by Cairn's validate engine (DuckDB, one
 * vectorised scan), beside the straightforward alternative, a zod schema applied row by row in
 * JavaScript (on 200k of the same rows), in the same process. Figures in rows/s.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { checkContract } from '../lib/data/checkContract';
import { ContractSchema } from '../lib/data/contract';
import { sqlString, withDuckDb } from '../lib/data/duckdb';
import { percentile, round } from './stats';

const ROWS = 1_000_000;
const BASELINE_ROWS = 200_000;
const NUMERIC = 14;
const CATEGORIES = ['a', 'b', 'c', 'd'];

export async function validation(): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'cairn-bench-')), 'data.parquet');
  const columns = [
    ...Array.from({ length: NUMERIC }, (_, i) => `(random() * 100)::DOUBLE AS n${i}`),
    ...Array.from({ length: 3 }, (_, i) => `(['a','b','c','d'])[1 + (${i} + range) % 4] AS c${i}`),
    'range AS id',
    'range % 1000 AS k',
    `(range % 2 = 0) AS flag`,
  ];
  const contract = ContractSchema.parse({
    columns: {
      ...Object.fromEntries(Array.from({ length: NUMERIC }, (_, i) => [`n${i}`, { type: 'number', min: 0, max: 100 }])),
      ...Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`c${i}`, { type: 'string', allowed: CATEGORIES }])),
      id: { type: 'integer', min: 0 },
      k: { type: 'integer', min: 0, max: 999 },
      flag: { type: 'boolean' },
    },
  });
  const rowSchema = z.object({
    ...Object.fromEntries(Array.from({ length: NUMERIC }, (_, i) => [`n${i}`, z.number().finite().min(0).max(100)])),
    ...Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`c${i}`, z.enum(['a', 'b', 'c', 'd'])])),
    id: z.number().int().min(0),
    k: z.number().int().min(0).max(999),
    flag: z.boolean(),
  });

  return withDuckDb(async (connection) => {
    await connection.run(`SELECT setseed(0.42)`);
    await connection.run(`COPY (SELECT ${columns.join(', ')} FROM range(${ROWS})) TO ${sqlString(path)} (FORMAT parquet)`);
    await connection.run(`CREATE VIEW data AS SELECT * FROM read_parquet(${sqlString(path)})`);
    const cairn: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const report = await checkContract(connection, 'data', contract);
      cairn.push(ROWS / ((performance.now() - t0) / 1000));
      if (!report.passed || report.rows !== ROWS) throw new Error('the benchmark data should pass its contract');
    }
    const sample = (await connection.runAndReadAll(`SELECT * REPLACE (id::DOUBLE AS id, k::DOUBLE AS k) FROM data LIMIT ${BASELINE_ROWS}`)).getRowObjectsJS();
    const baseline: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      let invalid = 0;
      for (const row of sample) if (!rowSchema.safeParse(row).success) invalid += 1;
      baseline.push(BASELINE_ROWS / ((performance.now() - t0) / 1000));
      if (invalid !== 0) throw new Error('the baseline should accept every row');
    }
    const cairnMedian = percentile(cairn, 50);
    const baselineMedian = percentile(baseline, 50);
    console.log(`cairn validate (DuckDB): ${(cairnMedian / 1e6).toFixed(2)} M rows/s median of 5 on ${ROWS} rows x 20 columns`);
    console.log(`zod row by row:         ${(baselineMedian / 1e6).toFixed(2)} M rows/s median of 3 on ${BASELINE_ROWS} rows`);
    console.log(`speed-up ${(cairnMedian / baselineMedian).toFixed(1)}x (target: at least 2 M rows/s)`);
    return `rows=${ROWS} columns=20 cairn_rows_per_s=${Math.round(cairnMedian)} zod_rows_per_s=${Math.round(baselineMedian)} speedup=${round(cairnMedian / baselineMedian, 1)}`;
  });
}
