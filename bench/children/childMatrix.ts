import { readFileSync, writeFileSync } from 'node:fs';

/** What bench/fitInProcess.ts hands a fit: the matrix's files, its width, the training rows, and the benchmark's own settings. */
export type ChildArgs<Extra> = Extra & { x: string; y: string; predicted: string; features: number; trainRows: number };

function arrayBufferOf(path: string): ArrayBuffer {
  const bytes = readFileSync(path);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** The JSON argument and the matrix it names. */
export function readMatrix<Extra>(): { args: ChildArgs<Extra>; x: Float64Array; y: Int32Array } {
  const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs<Extra>;
  return { args, x: new Float64Array(arrayBufferOf(args.x)), y: new Int32Array(arrayBufferOf(args.y)) };
}

/** Writes the predicted class of every holdout row (rows trainRows..rows) and prints the fit's seconds with what else it reports. */
export function reportFit(args: ChildArgs<unknown>, rows: number, seconds: number, predict: (row: number) => number, extra: Record<string, unknown> = {}): void {
  const predicted = new Int32Array(rows - args.trainRows);
  for (let r = args.trainRows; r < rows; r++) predicted[r - args.trainRows] = predict(r);
  writeFileSync(args.predicted, predicted);
  process.stdout.write(JSON.stringify({ ...extra, seconds }));
}
