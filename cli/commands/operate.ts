import { resolve } from 'node:path';
import type { Command } from 'commander';
import { invocationDirectory } from '../../lib/config';
import { CliError } from '../cliError';
import type { CliContext } from '../context';

/** One-time and upgrade-time chores against Temporal: registering search attributes, replaying histories. */
export function registerOperateCommands(program: Command, context: CliContext): void {
  program
    .command('namespace-setup')
    .description("register Cairn's search attributes in TEMPORAL_NAMESPACE once (idempotent: a Kubernetes Job or a deploy script may run it every time)")
    .action(async () => {
      const [{ Connection }, { temporalConnectionOptions }, { ensureSearchAttributes }] = await Promise.all([
        import('@temporalio/client'),
        import('../../lib/temporalConnection'),
        import('../../lib/temporalNamespace'),
      ]);
      const cfg = context.config();
      const connection = await Connection.connect({ ...temporalConnectionOptions(cfg), connectTimeout: '10s' });
      try {
        const added = await ensureSearchAttributes(connection, cfg.TEMPORAL_NAMESPACE);
        context.print(added.length ? `registered in ${cfg.TEMPORAL_NAMESPACE}: ${added.join(', ')}` : `${cfg.TEMPORAL_NAMESPACE} already has Cairn's search attributes`);
      } finally {
        await connection.close();
      }
    });
  program
    .command('replay-check')
    .description('replay recorded histories (temporal workflow show --output json) against the workflow bundle the workers load; exits 1 naming each that no longer replays')
    .argument('<dir>', 'a folder of history JSON files')
    .action(async (dir: string) => {
      const [{ prebuiltWorkflowBundle }, { replayHistories }, { Runtime, DefaultLogger }] = await Promise.all([
        import('../../workers/prebuiltWorkflows'),
        import('../../workers/replayHistories'),
        import('@temporalio/worker'),
      ]);
      const bundle = prebuiltWorkflowBundle();
      if (!bundle) throw new CliError('dist-workflows/ is missing or older than the workflow sources: run `npm run setup` (or `npm run build`) first');
      Runtime.install({ logger: new DefaultLogger('ERROR') });
      const outcomes = await replayHistories(bundle, resolve(invocationDirectory(context.config()), dir));
      for (const { file, error } of outcomes) context.print(`${error ? 'FAIL' : 'ok  '} ${file}${error ? `: ${error}` : ''}`);
      const failed = outcomes.filter((o) => o.error).length;
      context.print(`${outcomes.length - failed} of ${outcomes.length} histories replay against ${bundle.codePath}`);
      if (outcomes.length === 0) throw new CliError(`no history files (*.json) in ${dir}`);
      if (failed > 0) process.exitCode = 1;
    });
}
