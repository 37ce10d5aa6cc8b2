import { seededRandom } from '../seededRandom';

/**
 * A seeded, stratified holdout split: within each label, rows are shuffled with the seed and the
 * first `round(n * testFraction)` go to the test set. The same data and seed always give the same split.
 */
export function stratifiedSplit(labels: readonly string[], testFraction: number, seed: number): { train: number[]; test: number[] } {
  const byLabel = new Map<string, number[]>();
  labels.forEach((label, row) => {
    const rows = byLabel.get(label) ?? [];
    rows.push(row);
    byLabel.set(label, rows);
  });
  const random = seededRandom(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const label of [...byLabel.keys()].sort()) {
    const rows = byLabel.get(label) as number[];
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [rows[i], rows[j]] = [rows[j] as number, rows[i] as number];
    }
    const testCount = Math.round(rows.length * testFraction);
    test.push(...rows.slice(0, testCount));
    train.push(...rows.slice(testCount));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}
