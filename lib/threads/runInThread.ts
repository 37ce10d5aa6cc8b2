import { Worker } from 'node:worker_threads';
import { RUNNING_COMPILED } from '../compiled';
import { CairnError, ConfigError, DataError } from '../errors';
import { ignoreProgress, type ReportProgress } from '../progress';
import type { StageTask, StageTaskInput, StageTaskResult, StageThreadMessage } from './stageThread';

/** The thread's entry: the compiled one next to this chunk in dist/, or the sources' bootstrap. */
const THREAD_ENTRY = RUNNING_COMPILED ? new URL('./stage-thread.js', import.meta.url) : new URL('./stageThreadEntry.js', import.meta.url);

/** Error classes that carry a retry policy by name (lib/errors.ts): rebuilt on this side with the thread's message. */
const ERROR_CLASSES: Record<string, new (message: string) => Error> = { DataError, ConfigError, CairnError };

/**
 * A stage's CPU-heavy task (training, scoring) in a worker thread of its own: seconds to minutes of
 * CPU run off the event loop of the process that also heartbeats, answers Temporal's queries and,
 * under `cairn dev`, serves the API. Progress reports arrive as messages; `signal` (the step's
 * cancellation) terminates the thread at once.
 */
export function runInThread<T extends StageTask>(task: T, input: StageTaskInput<T>, progress: ReportProgress = ignoreProgress, signal?: AbortSignal): Promise<StageTaskResult<T>> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(THREAD_ENTRY, { workerData: { task, input } });
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', abort);
      outcome();
      void thread.terminate();
    };
    const abort = () => finish(() => reject(signal?.reason instanceof Error ? signal.reason : new Error(`${task} cancelled`)));
    if (signal?.aborted) return abort();
    signal?.addEventListener('abort', abort, { once: true });
    thread.on('message', (message: StageThreadMessage) => {
      if (message.kind === 'progress') progress(message.details);
      else if (message.kind === 'result') finish(() => resolve(message.result as StageTaskResult<T>));
      else
        finish(() => {
          const error = new (ERROR_CLASSES[message.name] ?? Error)(message.message);
          if (!ERROR_CLASSES[message.name]) error.name = message.name;
          if (message.stack) error.stack = message.stack;
          reject(error);
        });
    });
    thread.on('error', (error) => finish(() => reject(error)));
    thread.on('exit', (code) => finish(() => reject(new Error(`the ${task} thread exited (code ${code}) before it answered`))));
  });
}
