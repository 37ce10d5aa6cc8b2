import { Worker } from 'node:worker_threads';
import type { z } from 'zod';
import { RUNNING_COMPILED } from '../compiled';
import { CairnError, ConfigError, DataError } from '../errors';
import { ignoreProgress, type ReportProgress } from '../progress';
import type { TrainConfigSchema } from '../stages/train';
import type { TrainThreadMessage } from './trainThread';
import type { TrainResult } from './trainModel';

/** The thread's entry: the compiled one next to this chunk in dist/, or the sources' bootstrap. */
const THREAD_ENTRY = RUNNING_COMPILED ? new URL('./train-thread.js', import.meta.url) : new URL('./trainThreadEntry.js', import.meta.url);

/** Error classes that carry a retry policy by name (lib/errors.ts): rebuilt on this side with the thread's message. */
const ERROR_CLASSES: Record<string, new (message: string) => Error> = { DataError, ConfigError, CairnError };

/**
 * trainModel in a worker thread: the fit (seconds to minutes of CPU) runs off the event loop of the
 * process that also heartbeats, answers Temporal's queries and, under `cairn dev`, serves the API.
 * Progress reports arrive as messages; `signal` (the step's cancellation) terminates the thread at once.
 */
export function trainModelInThread(datasetPath: string, options: z.input<typeof TrainConfigSchema>, progress: ReportProgress = ignoreProgress, signal?: AbortSignal): Promise<TrainResult> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(THREAD_ENTRY, { workerData: { datasetPath, options } });
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', abort);
      outcome();
      void thread.terminate();
    };
    const abort = () => finish(() => reject(signal?.reason instanceof Error ? signal.reason : new Error('training cancelled')));
    if (signal?.aborted) return abort();
    signal?.addEventListener('abort', abort, { once: true });
    thread.on('message', (message: TrainThreadMessage) => {
      if (message.kind === 'progress') progress(message.details);
      else if (message.kind === 'result') finish(() => resolve(message.result));
      else
        finish(() => {
          const error = new (ERROR_CLASSES[message.name] ?? Error)(message.message);
          if (!ERROR_CLASSES[message.name]) error.name = message.name;
          if (message.stack) error.stack = message.stack;
          reject(error);
        });
    });
    thread.on('error', (error) => finish(() => reject(error)));
    thread.on('exit', (code) => finish(() => reject(new Error(`the training thread exited (code ${code}) before it answered`))));
  });
}
