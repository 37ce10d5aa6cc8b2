import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context';

export function registerDevCommand(program: Command, context: CliContext): void {
  program
    .command('dev')
    .description('start Cairn locally: the Temporal dev server (unless one answers at TEMPORAL_ADDRESS), workers and the API; reloads the definitions when their files change')
    .action(async () => {
      const cfg = context.config();
      // Loaded here, not at the top: the stack pulls in workers, PGlite and DuckDB, which --help and HTTP commands never need.
      const [{ startLocalStack }, { definitionsPath }, { watchSources }] = await Promise.all([import('../localStack'), import('../../lib/definitions'), import('../watchSources')]);
      const definitions = definitionsPath(cfg);
      const stack = await startLocalStack({
        cfg,
        definitions,
        temporalAddress: cfg.TEMPORAL_ADDRESS,
        reuseTemporal: true,
        temporalDbFile: join(cfg.CAIRN_HOME, 'temporal.db'),
        syncSchedules: true,
        withWebUi: true,
        apiHost: cfg.CAIRN_HOST,
        apiPort: cfg.CAIRN_PORT,
        progress: (line) => context.print(line),
      });
      // Watching before saying so: an edit made as soon as `Cairn is running` is printed is seen.
      const watcher = await watchSources([dirname(definitions), ...stack.pythonModuleFiles()], async () => {
        context.print('definitions changed: reloading');
        try {
          const { pipelines, added, removed } = await stack.reload();
          // A Python module the new definitions name, outside the definitions' directory.
          watcher.add(stack.pythonModuleFiles());
          const changes = [...(added.length ? [`new: ${added.join(', ')}`] : []), ...(removed.length ? [`removed: ${removed.join(', ')}`] : [])];
          context.print(`definitions reloaded: ${pipelines.length} pipeline(s)${changes.length ? ` (${changes.join('; ')})` : ''}; new runs use them, runs in flight keep theirs`);
        } catch (error) {
          context.print(`definitions not reloaded (still serving the previous ones): ${(error as Error).message}`);
        }
      }, (message) => context.print(message));
      context.print(`Cairn is running
  Pages:            ${stack.apiUrl}/ui/runs   (pipelines, runs, models, drift)
  API:              ${stack.apiUrl}   (CAIRN_API_URL for the CLI)
  Temporal:         ${stack.temporalAddress}${stack.startedTemporal ? ' (dev server started by cairn)' : ''}
  Temporal Web UI:  ${stack.temporalUiUrl ?? '(unknown: set TEMPORAL_UI_URL)'}
  Definitions:      ${definitions}   (reloaded when a file in ${dirname(definitions)} or a Python step module changes)
Press Ctrl-C to stop.`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await watcher.close();
      context.print('stopping...');
      await stack.stop();
    });
}
