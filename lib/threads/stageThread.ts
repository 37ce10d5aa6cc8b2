/**
 * The body of a stage thread (lib/threads/runInThread.ts starts and reuses it): runs CPU-heavy
 * tasks of the built-in stages and the drift check one at a time, as the main thread posts them,
 * and posts each task's progress reports, then its result or its error. The tasks are the very
 * functions the main thread would call, so results are identical.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { z } from 'zod';
import { compareWithReference, type ReferenceComparisonInput } from '../drift/compareWithReference';
import type { ReportProgress } from '../progress';
import { scoreOnDataset, type ScoreInput } from '../ml/scoreOnDataset';
import { trainModel } from '../ml/trainModel';
import { lowerThreadPriority } from './threadPriority';
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

/** The workerData that marks a stage thread. */
export const STAGE_THREAD = { cairnStageThread: true };

export interface StageTaskRequest {
  id: number;
  task: StageTask;
  input: unknown;
}

export type StageThreadMessage = { id: number } & (
  | { kind: 'progress'; details: Record<string, unknown> | undefined }
  | { kind: 'result'; result: unknown }
  | { kind: 'error'; name: string; message: string; stack: string | undefined }
);

// Imported anywhere but in a stage thread (a tool loading every module, the main thread), it does nothing.
const port = parentPort;
if (port && (workerData as typeof STAGE_THREAD | undefined)?.cairnStageThread) {
  lowerThreadPriority();
  const post = (message: StageThreadMessage) => port.postMessage(message);
  port.on('message', ({ id, task, input }: StageTaskRequest) => {
    STAGE_TASKS[task](input as never, (details) => post({ id, kind: 'progress', details })).then(
      (result) => post({ id, kind: 'result', result }),
      (error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        post({ id, kind: 'error', name: failure.name, message: failure.message, stack: failure.stack });
      },
    );
  });
}
