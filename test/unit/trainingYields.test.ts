import { describe, expect, it } from 'vitest';
import { fitGradientBoosting } from '../../lib/ml/gradientBoosting';
import { fitLogisticRegression } from '../../lib/ml/logisticRegression';
import { seededNormal } from '../../lib/seededRandom';

// Promised (README, train stage): a training yields to the event loop between trees and iterations,
// so the process it runs in (the API too, under `cairn dev`) keeps answering while it trains. Counted,
// not timed: a callback queued on the event loop must run between every two trees or iterations.
function data(rows: number, features: number) {
  const draw = seededNormal(3);
  const x = Float64Array.from({ length: rows * features }, () => draw());
  const y = Int32Array.from({ length: rows }, (_, r) => ((x[r * features] as number) + (x[r * features + 1] as number) > 0 ? 1 : 0));
  return { x, y };
}

/** Counts how often the event loop gets a turn while `work` runs. */
async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns += 1;
    setImmediate(tick);
  };
  setImmediate(tick);
  await work();
  running = false;
  return turns;
}

describe('training shares the event loop', () => {
  it('boosted trees give the event loop a turn after every tree', async () => {
    const { x, y } = data(3_000, 4);
    const turns = await turnsDuring(() => fitGradientBoosting(x, y, 4, 2, { rounds: 15, learningRate: 0.1, maxDepth: 3, l2: 1, minChildWeight: 1, bins: 32 }));
    expect(turns).toBeGreaterThanOrEqual(15 * 2);
  });

  it('logistic regression gives it a turn after every L-BFGS iteration', async () => {
    const { x, y } = data(3_000, 4);
    let iterations = 0;
    const turns = await turnsDuring(() => fitLogisticRegression(x, y, 4, 2, { l2: 1e-3, maxIterations: 50, onIteration: (i) => (iterations = i) }));
    expect(iterations).toBeGreaterThan(3);
    expect(turns).toBeGreaterThanOrEqual(iterations);
  });
});
