import { Worker } from 'node:worker_threads';
import { RUNNING_COMPILED } from '../compiled';
import { CairnError, ConfigError, DataError } from '../errors';
import { ignoreProgress, type ReportProgress } from '../progress';
import { STAGE_THREAD, type StageTask, type StageTaskInput, type StageTaskRequest, type StageTaskResult, type StageThreadMessage } from './stageThread';

/** The thread's entry: the compiled one next to this chunk in dist/, or the sources' bootstrap. */
const THREAD_ENTRY = RUNNING_COMPILED ? new URL('./stage-thread.js', import.meta.url) : new URL('./stageThreadEntry.js', import.meta.url);

/** Error classes that carry a retry policy by name (lib/errors.ts): rebuilt on this side with the thread's message. */
const ERROR_CLASSES: Record<string, new (message: string) => Error> = { DataError, ConfigError, CairnError };

/**
 * A thread stays this long after its task for the next one (a train is followed by its evaluate):
 * starting one costs 0.35 s compiled and 0.5-0.7 s from the sources, and its DuckDB and model code
 * stay loaded. Idle threads never keep the process alive.
 */
const IDLE_MS = 30_000;
const idle: { thread: Worker; retire: NodeJS.Timeout }[] = [];
let nextId = 1;
let started = 0;

/** How many stage threads this process has started (tests: a finished task's thread is reused, a cancelled one's is not). */
export function stageThreadsStarted(): number {
  return started;
}

function acquire(): Worker {
  const reused = idle.pop();
  if (reused) {
    clearTimeout(reused.retire);
    reused.thread.ref();
    return reused.thread;
  }
  started += 1;
  return new Worker(THREAD_ENTRY, { workerData: STAGE_THREAD });
}

function release(thread: Worker): void {
  thread.unref();
  const entry = {
    thread,
    retire: setTimeout(() => {
      idle.splice(idle.indexOf(entry), 1);
      void thread.terminate();
    }, IDLE_MS).unref(),
  };
  idle.push(entry);
}

/**
 * A stage's CPU-heavy task (training, scoring, the drift comparison) in a worker thread: seconds to
 * minutes of CPU run off the event loop of the process that also heartbeats, answers Temporal's
 * queries and, under `cairn dev`, serves the API. Progress reports arrive as messages; `signal`
 * (the step's cancellation) terminates the thread at once. A thread whose task ends normally waits
 * for the next task; one that failed to answer or was cancelled is not reused.
 */
export function runInThread<T extends StageTask>(task: T, input: StageTaskInput<T>, progress: ReportProgress = ignoreProgress, signal?: AbortSignal): Promise<StageTaskResult<T>> {
  return new Promise((resolve, reject) => {
    const cancelled = () => (signal?.reason instanceof Error ? signal.reason : new Error(`${task} cancelled`));
    if (signal?.aborted) return reject(cancelled());
    const thread = acquire();
    const id = nextId++;
    let settled = false;
    const finish = (outcome: () => void, reusable: boolean) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', abort);
      thread.off('message', onMessage).off('error', onError).off('exit', onExit);
      outcome();
      if (reusable) release(thread);
      else void thread.terminate();
    };
    const abort = () => finish(() => reject(cancelled()), false);
    const onMessage = (message: StageThreadMessage) => {
      if (message.id !== id) return;
      if (message.kind === 'progress') progress(message.details);
      else if (message.kind === 'result') finish(() => resolve(message.result as StageTaskResult<T>), true);
      else
        finish(() => {
          const error = new (ERROR_CLASSES[message.name] ?? Error)(message.message);
          if (!ERROR_CLASSES[message.name]) error.name = message.name;
          if (message.stack) error.stack = message.stack;
          reject(error);
        }, true);
    };
    const onError = (error: Error) => finish(() => reject(error), false);
    const onExit = (code: number) => finish(() => reject(new Error(`the ${task} thread exited (code ${code}) before it answered`)), false);
    signal?.addEventListener('abort', abort, { once: true });
    thread.on('message', onMessage).on('error', onError).on('exit', onExit);
    thread.postMessage({ id, task, input } satisfies StageTaskRequest);
  });
}
