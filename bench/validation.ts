/**
 * validation: a 20-column contract checked on 1M rows by Cairn's validate engine (DuckDB, one
 * vectorised scan, on two threads as Cairn runs it and on one), beside the straightforward
 * alternative on the same 1M rows on one thread: reading them from the same file into JavaScript rows
 * and applying a zod schema row by row (timed with and without the reading), in the same process.
 * Figures in rows/s.
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
    // Cairn's engine on its own two threads (as withDuckDb configures it) and on one, like the baseline.
    const timeCairn = async (threads: number) => {
      await connection.run(`SET threads = ${threads}`);
      const rates: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const report = await checkContract(connection, 'data', contract);
        rates.push(ROWS / ((performance.now() - t0) / 1000));
        if (!report.passed || report.rows !== ROWS) throw new Error('the benchmark data should pass its contract');
      }
      return rates;
    };
    const cairn = await timeCairn(2);
    const cairnOneThread = await timeCairn(1);
    // The baseline on the same 1M rows: reading them from the same Parquet file into JavaScript rows
    // (through DuckDB, one thread) and checking each with zod; both timed, and the check alone.
    const baseline: number[] = [];
    const baselineWithReading: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const rows = (await connection.runAndReadAll(`SELECT * REPLACE (id::DOUBLE AS id, k::DOUBLE AS k) FROM data`)).getRowObjectsJS();
      const t1 = performance.now();
      let invalid = 0;
      for (const row of rows) if (!rowSchema.safeParse(row).success) invalid += 1;
      const t2 = performance.now();
      if (rows.length !== ROWS || invalid !== 0) throw new Error('the baseline should accept every row');
      baseline.push(ROWS / ((t2 - t1) / 1000));
      baselineWithReading.push(ROWS / ((t2 - t0) / 1000));
    }
    const cairnMedian = percentile(cairn, 50);
    const oneThreadMedian = percentile(cairnOneThread, 50);
    const baselineMedian = percentile(baseline, 50);
    const readingMedian = percentile(baselineWithReading, 50);
    console.log(`cairn validate (DuckDB), 2 threads: ${(cairnMedian / 1e6).toFixed(2)} M rows/s, median of 5 on ${ROWS} rows x 20 columns, reading the Parquet file included`);
    console.log(`cairn validate (DuckDB), 1 thread:  ${(oneThreadMedian / 1e6).toFixed(2)} M rows/s, median of 5`);
    console.log(`zod row by row, 1 thread:           ${(readingMedian / 1e6).toFixed(2)} M rows/s reading the same file into rows included, ${(baselineMedian / 1e6).toFixed(2)} M rows/s for the check alone, median of 3 on the same ${ROWS} rows`);
    console.log(`one thread each, reading included: ${(oneThreadMedian / readingMedian).toFixed(1)}x; against the check alone: ${(oneThreadMedian / baselineMedian).toFixed(1)}x (target: at least 2 M rows/s)`);
    return (
      `rows=${ROWS} columns=20 cairn_rows_per_s=${Math.round(cairnMedian)} zod_rows_per_s=${Math.round(baselineMedian)} speedup=${round(cairnMedian / baselineMedian, 1)} ` +
      `cairn_one_thread_rows_per_s=${Math.round(oneThreadMedian)} zod_with_reading_rows_per_s=${Math.round(readingMedian)} one_thread_speedup=${round(oneThreadMedian / readingMedian, 1)}`
    );
  });
}
