import { watch } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context';

/** Edits arrive as bursts of events (an editor writes, renames, touches): one reload per quiet moment. */
const RELOAD_QUIET_MS = 300;
const SOURCE_FILE = /\.(?:[cm]?[jt]s|json)$/;

export function registerDevCommand(program: Command, context: CliContext): void {
  program
    .command('dev')
    .description('start Cairn locally: the Temporal dev server (unless one answers at TEMPORAL_ADDRESS), workers and the API; reloads the definitions when their files change')
    .action(async () => {
      const cfg = context.config();
      // Loaded here, not at the top: the stack pulls in workers, PGlite and DuckDB, which --help and HTTP commands never need.
      const [{ startLocalStack }, { definitionsPath }] = await Promise.all([import('../localStack'), import('../../lib/definitions')]);
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
      context.print(`Cairn is running
  Pages:            ${stack.apiUrl}/ui/runs   (pipelines, runs, models, drift)
  API:              ${stack.apiUrl}   (CAIRN_API_URL for the CLI)
  Temporal:         ${stack.temporalAddress}${stack.startedTemporal ? ' (dev server started by cairn)' : ''}
  Temporal Web UI:  ${stack.temporalUiUrl ?? '(unknown: set TEMPORAL_UI_URL)'}
  Definitions:      ${definitions}   (reloaded when a file in ${dirname(definitions)} changes)
Press Ctrl-C to stop.`);
      const stopWatching = watchDefinitions(dirname(definitions), async () => {
        context.print('definitions changed: reloading');
        try {
          const { pipelines, added, removed } = await stack.reload();
          const changes = [...(added.length ? [`new: ${added.join(', ')}`] : []), ...(removed.length ? [`removed: ${removed.join(', ')}`] : [])];
          context.print(`definitions reloaded: ${pipelines.length} pipeline(s)${changes.length ? ` (${changes.join('; ')})` : ''}; new runs use them, runs in flight keep theirs`);
        } catch (error) {
          context.print(`definitions not reloaded (still serving the previous ones): ${(error as Error).message}`);
        }
      });
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      stopWatching();
      context.print('stopping...');
      await stack.stop();
    });
}

/** Calls `reload` once per burst of changes to source files under `dir`, never two at once. */
function watchDefinitions(dir: string, reload: () => Promise<void>): () => void {
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const watcher = watch(dir, { recursive: true }, (_event, file) => {
    if (file && !SOURCE_FILE.test(file)) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(reload);
    }, RELOAD_QUIET_MS);
  });
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
