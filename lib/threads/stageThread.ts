/**
 * The body of a stage thread (lib/threads/runInThread.ts starts it): runs one CPU-heavy task of a
 * built-in stage or the drift check, posts each progress report, then the result or the error. The tasks are the very
 * functions the main thread would call, so results are identical.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { z } from 'zod';
import { compareWithReference, type ReferenceComparisonInput } from '../drift/compareWithReference';
import type { ReportProgress } from '../progress';
import { scoreOnDataset, type ScoreInput } from '../ml/scoreOnDataset';
import { trainModel } from '../ml/trainModel';
import type { TrainConfigSchema } from '../stages/train';

/** What each task takes and gives. */
export const STAGE_TASKS = {
  train: (input: { datasetPath: string; options: z.input<typeof TrainConfigSchema> }, progress: ReportProgress) => trainModel(input.datasetPath, input.options, progress),
  score: (input: ScoreInput, progress: ReportProgress) => scoreOnDataset(input, progress),
  drift: (input: ReferenceComparisonInput, progress: ReportProgress) => compareWithReference(input, progress),
};
export type StageTask = keyof typeof STAGE_TASKS;
export type StageTaskInput<T extends StageTask> = Parameters<(typeof STAGE_TASKS)[T]>[0];
export type StageTaskResult<T extends StageTask> = Awaited<ReturnType<(typeof STAGE_TASKS)[T]>>;

export type StageThreadMessage =
  | { kind: 'progress'; details: Record<string, unknown> | undefined }
  | { kind: 'result'; result: unknown }
  | { kind: 'error'; name: string; message: string; stack: string | undefined };

// Imported anywhere but in a thread started with workerData (a tool loading every module), it does nothing.
const port = parentPort;
if (port && workerData) {
  const { task, input } = workerData as { task: StageTask; input: never };
  const post = (message: StageThreadMessage) => port.postMessage(message);
  STAGE_TASKS[task](input, (details) => post({ kind: 'progress', details })).then(
    (result) => post({ kind: 'result', result }),
    (error: unknown) => {
      const failure = error instanceof Error ? error : new Error(String(error));
      post({ kind: 'error', name: failure.name, message: failure.message, stack: failure.stack });
    },
  );
}
