import { logger } from './logger';

/**
 * Entry points call this: a failure logs one clear line and exits 1, nothing crashes with a stack dump.
 * `exitWhenDone` ends the process once `run` settles, for workers: a step abandoned at shutdown (it
 * ignored cancellation) may still hold timers or sockets that would keep the process alive.
 */
export function runMain(run: () => Promise<void>, options: { exitWhenDone?: boolean } = {}): void {
  run()
    .catch((error: unknown) => {
      logger.fatal({ err: error }, error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    })
    .finally(() => {
      if (options.exitWhenDone) process.exit();
    });
}
