import type { Command } from 'commander';
import { CliError, EXIT } from '../cliError';
import type { CliContext } from '../context';

/**
 * The long-running processes a deployment runs (containers, systemd units, Kubernetes pods), from
 * the installed package: `cairn server` and `cairn worker [--queue q]`. Both load the definitions
 * CAIRN_DEFINITIONS names (or the project's cairn.config.json), stop gracefully on SIGTERM, and end
 * the process when done (a step abandoned at shutdown may still hold timers).
 */
export function registerProcessCommands(program: Command, context: CliContext): void {
  program
    .command('server')
    .description('run the API (CAIRN_HOST, CAIRN_PORT) against TEMPORAL_ADDRESS and DATABASE_URL, until SIGTERM')
    .action(async () => {
      const { serveApi } = await import('../../server/serveApi');
      await serveApi();
      process.exit(process.exitCode ?? 0);
    });
  program
    .command('worker')
    .description('run a worker until SIGTERM: the pipelines queue (CAIRN_TASK_QUEUE: runs and the steps that name no queue), or with --queue the steps that name that queue')
    .option('--queue <name>', "a step queue (a step declaring queue: 'train' is served by --queue train)")
    .action(async (options: { queue?: string }) => {
      const [{ runWorker }, { stepTaskQueue }, { QueueNameSchema }] = await Promise.all([import('../../workers/runWorker'), import('../../lib/taskQueues'), import('../../lib/ids')]);
      if (options.queue !== undefined && !QueueNameSchema.safeParse(options.queue).success) {
        throw new CliError(`--queue ${JSON.stringify(options.queue)}: a queue name is lower-case letters, digits and dashes (the name a step declares, e.g. train)`, EXIT.usage);
      }
      await (options.queue ? runWorker(stepTaskQueue(options.queue), false) : runWorker(context.config().CAIRN_TASK_QUEUE, true));
      process.exit(process.exitCode ?? 0);
    });
}
