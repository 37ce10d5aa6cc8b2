import { logger } from './logger';

/** Entry points call this: a failure logs one clear line and exits 1, nothing crashes with a stack dump. */
export function runMain(run: () => Promise<void>): void {
  run().catch((error: unknown) => {
    logger.fatal({ err: error }, error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
