/**
 * The body of a training thread (lib/ml/trainInThread.ts starts it): trains on the dataset it is
 * given, posts each progress report, then the result or the error. Runs the very same trainModel
 * as the main thread would, so results are identical.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { z } from 'zod';
import type { TrainConfigSchema } from '../stages/train';
import { trainModel } from './trainModel';

export type TrainThreadMessage =
  | { kind: 'progress'; details: Record<string, unknown> | undefined }
  | { kind: 'result'; result: Awaited<ReturnType<typeof trainModel>> }
  | { kind: 'error'; name: string; message: string; stack: string | undefined };

// Imported anywhere but in a thread started with workerData (a tool loading every module), it does nothing.
const port = parentPort;
if (port && workerData) {
  const { datasetPath, options } = workerData as { datasetPath: string; options: z.input<typeof TrainConfigSchema> };
  const post = (message: TrainThreadMessage) => port.postMessage(message);
  trainModel(datasetPath, options, (details) => post({ kind: 'progress', details })).then(
    (result) => post({ kind: 'result', result }),
    (error: unknown) => {
      const failure = error instanceof Error ? error : new Error(String(error));
      post({ kind: 'error', name: failure.name, message: failure.message, stack: failure.stack });
    },
  );
}
