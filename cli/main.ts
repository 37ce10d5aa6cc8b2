/** The `cairn` command. Every command that prints data takes --json. */
import { Command, CommanderError } from 'commander';
import { CairnError } from '../lib/errors';
import { CliError, EXIT } from './cliError';
import { registerDemoCommand } from './commands/demo';
import { registerDevCommand } from './commands/dev';
import { registerDriftCommand } from './commands/drift';
import { registerCanaryCommands } from './commands/canary';
import { registerKeyCommands } from './commands/keys';
import { registerCacheCommands } from './commands/cache';
import { registerExperimentCommands } from './commands/experiments';
import { registerLogsCommand } from './commands/logs';
import { registerInitCommand } from './commands/init';
import { registerSetupCommand } from './commands/setup';
import { registerModelCommands } from './commands/models';
import { registerOperateCommands } from './commands/operate';
import { registerPipelineCommands } from './commands/pipelines';
import { registerProcessCommands } from './commands/processes';
import { registerRunHistoryCommands } from './commands/runHistory';
import { registerRunCommands } from './commands/runs';
import { registerScheduleCommands } from './commands/schedules';
import { createCliContext } from './context';
import { packageVersion } from './packageVersion';

// `cairn runs list | head`: the reader went away, which is not an error of the command.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const context = createCliContext();
const program = new Command('cairn')
  .description('Cairn: durable ML pipelines on Temporal')
  .version(packageVersion(), '-V, --version', 'print the version')
  // A usage error gets one line and a pointer to the help, not the whole help.
  .showHelpAfterError('(cairn --help lists the commands; cairn <command> --help their options)')
  .exitOverride()
  // The configuration is read when a command runs, not for --help or --version.
  .hook('preAction', () => context.load());

registerPipelineCommands(program, context);
registerRunCommands(program, context);
registerRunHistoryCommands(program, context);
registerLogsCommand(program, context);
registerScheduleCommands(program, context);
registerKeyCommands(program, context);
registerCacheCommands(program, context);
registerExperimentCommands(program, context);
registerModelCommands(program, context);
registerDriftCommand(program, context);
registerCanaryCommands(program, context);
registerDevCommand(program, context);
registerDemoCommand(program, context);
registerInitCommand(program, context);
registerSetupCommand(program, context);
registerProcessCommands(program, context);
registerOperateCommands(program, context);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : EXIT.usage;
  } else if (error instanceof CliError || error instanceof CairnError) {
    process.stderr.write(`cairn: ${error.message}\n`);
    process.exitCode = error instanceof CliError ? error.exitCode : 1;
  } else {
    process.stderr.write(`cairn: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
