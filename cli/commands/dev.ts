import { join } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context';

export function registerDevCommand(program: Command, context: CliContext): void {
  program
    .command('dev')
    .description('start Cairn locally: the Temporal dev server (unless one answers at TEMPORAL_ADDRESS), workers and the API')
    .action(async () => {
      const cfg = context.config();
      // Loaded here, not at the top: the stack pulls in workers, PGlite and DuckDB, which --help and HTTP commands never need.
      const { startLocalStack } = await import('../localStack');
      const stack = await startLocalStack({
        cfg,
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
  API:              ${stack.apiUrl}   (CAIRN_API_URL for the CLI)
  Temporal:         ${stack.temporalAddress}${stack.startedTemporal ? ' (dev server started by cairn)' : ''}
  Temporal Web UI:  ${stack.temporalUiUrl ?? '(unknown: set TEMPORAL_UI_URL)'}
Press Ctrl-C to stop.`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      context.print('stopping...');
      await stack.stop();
    });
}
