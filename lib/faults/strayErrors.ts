import { AsyncLocalStorage } from 'node:async_hooks';
import { logger } from '../logger';
import { toError } from './toError';

/** What a step's scope does with an error its code threw where no one awaited it. */
interface StrayErrorScope {
  label: string;
  fail(error: Error): void;
}

const scopes = new AsyncLocalStorage<StrayErrorScope>();
let installed = false;

/**
 * Runs `work` so that an unhandled rejection or an exception thrown from a timer, anywhere in the
 * async work it starts, fails this scope (the step) instead of ending the process. Node keeps the
 * AsyncLocalStorage context of the code that threw while it emits 'uncaughtException' and
 * 'unhandledRejection', which is how the error finds its step.
 */
export function runWithStrayErrorScope<T>(label: string, fail: (error: Error) => void, work: () => T): T {
  return scopes.run({ label, fail }, work);
}

/**
 * Installs the process-wide handlers (once, in worker processes). An error that belongs to no step
 * still ends the process, as Node would: it is a bug of the worker, not of a step.
 */
export function installStrayErrorGuard(): void {
  if (installed) return;
  installed = true;
  const handle = (thrown: unknown, kind: string) => {
    const error = toError(thrown);
    const scope = scopes.getStore();
    if (scope) {
      logger.warn({ err: error, step: scope.label, kind }, 'a step threw outside its own flow; the step fails, the worker keeps running');
      scope.fail(error);
      return;
    }
    logger.fatal({ err: error, kind }, 'uncaught error outside any step; the process exits');
    process.exit(1);
  };
  process.on('uncaughtException', (error) => handle(error, 'uncaughtException'));
  process.on('unhandledRejection', (reason) => handle(reason, 'unhandledRejection'));
}
