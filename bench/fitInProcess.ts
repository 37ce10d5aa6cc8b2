import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A classification matrix (row-major), its labels, and how many leading rows are for training. */
export interface FitData {
  x: Float64Array;
  y: Int32Array;
  features: number;
  trainRows: number;
}

/** The fit's seconds, its holdout accuracy and its predicted class for each holdout row. */
export interface FitOutcome {
  seconds: number;
  accuracy: number;
  predicted: Int32Array;
  /** Everything the process printed (`seconds`, and what else it reports: iterations). */
  reported: Record<string, unknown>;
}

/**
 * Runs a fit in a process of its own (`command args... <json>`), handing it the matrix as raw float64
 * and int32 files, so every side sees the same numbers. The process reads `x`, `y`, `features` and
 * `trainRows` from its JSON argument (with `extra`), fits on the training rows, writes its predicted
 * class of each holdout row as int32 to `predicted`, and prints `{"seconds": ...}`, the fit alone.
 */
export function fitInProcess(command: string, args: string[], data: FitData, extra: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): FitOutcome {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-fit-'));
  try {
    writeFileSync(join(dir, 'x'), Buffer.from(data.x.buffer, data.x.byteOffset, data.x.byteLength));
    writeFileSync(join(dir, 'y'), Buffer.from(data.y.buffer, data.y.byteOffset, data.y.byteLength));
    const json = JSON.stringify({ ...extra, x: join(dir, 'x'), y: join(dir, 'y'), predicted: join(dir, 'predicted'), features: data.features, trainRows: data.trainRows });
    const out = execFileSync(command, [...args, json], { encoding: 'utf8', env });
    const predictedBytes = readFileSync(join(dir, 'predicted'));
    const predicted = new Int32Array(predictedBytes.buffer, predictedBytes.byteOffset, predictedBytes.byteLength / 4).slice();
    const holdout = data.y.subarray(data.trainRows);
    const accuracy = predicted.filter((p, i) => p === holdout[i]).length / predicted.length;
    const reported = JSON.parse(out) as { seconds: number };
    return { seconds: reported.seconds, accuracy, predicted, reported };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
