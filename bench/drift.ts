/**
 * drift: PSI + two-sample KS (with Jensen-Shannon and Wasserstein, which share the same passes) on
 * 1M rows x 20 numeric columns of reference and 1M x 20 of current data, one core (plain JS on the
 * main thread). Beside it, in the same process, the straightforward implementation: number[]
 * copies sorted with a comparator, shares counted bin by bin (on 4 of the columns; its rate is per
 * cell like Cairn's). Cell-values/s counts the current data's cells (20M); the reference is sorted
 * inside the same timing, so counting both samples would double the figure. Then, in the peers' venv
 * (bench/peersVenv.ts), what a user might pick instead: Evidently's DataDriftPreset (on 100k rows: it
 * is slow) and numpy's sort + searchsorted (on 1M), on data of the same shape.
 */
import { numericDrift } from '../lib/drift/numericDrift';
import { sortedFinite } from '../lib/drift/sortedFinite';
import { seededNormal } from '../lib/seededRandom';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { peersPython } from './peersVenv';
import { percentile, round } from './stats';

const ROWS = 1_000_000;
const COLUMNS = 20;
const BASELINE_COLUMNS = 4;
const EVIDENTLY_ROWS = 100_000;

function makeColumns(seed: number, shift: number): Float64Array[] {
  const draw = seededNormal(seed);
  return Array.from({ length: COLUMNS }, (_, c) => Float64Array.from({ length: ROWS }, () => draw() * (1 + c / 10) + c + shift * (c % 3)));
}

/** The textbook version: sort copies with a comparator, deciles, shares by filtering, KS by merging. */
function naivePsiKs(reference: Float64Array, current: Float64Array): { psi: number; ks: number } {
  const r = Array.from(reference).sort((a, b) => a - b);
  const c = Array.from(current).sort((a, b) => a - b);
  const edges = Array.from({ length: 9 }, (_, i) => r[Math.floor(((i + 1) * (r.length - 1)) / 10)] as number);
  const shares = (xs: number[]) =>
    Array.from({ length: 10 }, (_, b) => xs.filter((x) => (b === 0 || x >= (edges[b - 1] as number)) && (b === 9 || x < (edges[b] as number))).length / xs.length);
  const rs = shares(r);
  const cs = shares(c);
  const psi = rs.reduce((sum, rv, i) => {
    const a = Math.max(rv, 1e-4);
    const b = Math.max(cs[i] as number, 1e-4);
    return sum + (b - a) * Math.log(b / a);
  }, 0);
  let i = 0;
  let j = 0;
  let ks = 0;
  while (i < r.length && j < c.length) {
    const x = Math.min(r[i] as number, c[j] as number);
    while (i < r.length && r[i] === x) i++;
    while (j < c.length && c[j] === x) j++;
    ks = Math.max(ks, Math.abs(i / r.length - j / c.length));
  }
  return { psi, ks };
}

export async function drift(): Promise<string> {
  const reference = makeColumns(1, 0);
  const current = makeColumns(2, 0.1);
  const cells = ROWS * COLUMNS;
  const cairn: number[] = [];
  let checksum = 0;
  for (let round_ = 0; round_ < 5; round_++) {
    const t0 = performance.now();
    for (let c = 0; c < COLUMNS; c++) {
      const stats = numericDrift(sortedFinite(reference[c] as Float64Array), sortedFinite(current[c] as Float64Array));
      checksum += stats.psi + stats.ks.statistic;
    }
    cairn.push(cells / ((performance.now() - t0) / 1000));
  }
  const baseline: number[] = [];
  let naiveChecksum = 0;
  for (let round_ = 0; round_ < 2; round_++) {
    const t0 = performance.now();
    for (let c = 0; c < BASELINE_COLUMNS; c++) {
      const stats = naivePsiKs(reference[c] as Float64Array, current[c] as Float64Array);
      naiveChecksum += stats.psi + stats.ks;
    }
    baseline.push((ROWS * BASELINE_COLUMNS) / ((performance.now() - t0) / 1000));
  }
  // The same statistics from both (on the first columns): a benchmark of wrong answers would mean nothing.
  const first = numericDrift(sortedFinite(reference[0] as Float64Array), sortedFinite(current[0] as Float64Array));
  const naive = naivePsiKs(reference[0] as Float64Array, current[0] as Float64Array);
  if (Math.abs(first.ks.statistic - naive.ks) > 1e-12) throw new Error(`KS differs: ${first.ks.statistic} vs ${naive.ks}`);
  const median = percentile(cairn, 50);
  const baselineMedian = percentile(baseline, 50);
  console.log(`drift on ${ROWS.toLocaleString('en')} rows x ${COLUMNS} columns (reference and current), PSI + KS (+ JS, Wasserstein), one core`);
  console.log(`  Cairn (radix sort, binary-searched bins, one merge pass): median ${round(median / 1e6)} M cells/s  (runs: ${cairn.map((v) => round(v / 1e6)).join(', ')})`);
  console.log(`  straightforward JS (comparator sort, filter per bin):   median ${round(baselineMedian / 1e6)} M cells/s  (runs: ${baseline.map((v) => round(v / 1e6)).join(', ')})`);
  console.log(`  ratio ${round(median / baselineMedian)}x; PSI col 0: ${first.psi.toFixed(4)} vs ${naive.psi.toFixed(4)}; checksums ${checksum.toFixed(3)} / ${naiveChecksum.toFixed(3)}`);
  const peers = JSON.parse(
    execFileSync(peersPython(), [fileURLToPath(new URL('./peers/drift.py', import.meta.url)), String(EVIDENTLY_ROWS), String(ROWS)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, OMP_NUM_THREADS: '1' } })
      .split('\n')
      .find((line) => line.startsWith('{')) as string,
  ) as { numpy_cells_per_s: number; evidently_cells_per_s: number };
  console.log(`  numpy sort + searchsorted (PSI + KS, ${ROWS.toLocaleString('en')} rows): ${round(peers.numpy_cells_per_s / 1e6)} M cells/s; Cairn ${round(median / peers.numpy_cells_per_s)}x`);
  console.log(`  Evidently DataDriftPreset (${EVIDENTLY_ROWS.toLocaleString('en')} rows): ${round(peers.evidently_cells_per_s / 1e6)} M cells/s; Cairn ${round(median / peers.evidently_cells_per_s)}x`);
  return `cells_per_s=${Math.round(median)} baseline_cells_per_s=${Math.round(baselineMedian)} ratio=${round(median / baselineMedian)} target_cells_per_s=5000000 numpy_cells_per_s=${Math.round(peers.numpy_cells_per_s)} evidently_cells_per_s=${Math.round(peers.evidently_cells_per_s)}`;
}
