import type { Command } from 'commander';
import { answer, pathParams } from '../apiClient';
import { CliError } from '../cliError';
import { parseTimeFlag } from '../timeFlags';
import type { CliContext } from '../context';
import { showRun } from './runs';

export function registerRunHistoryCommands(program: Command, context: CliContext): void {
  const runs = program.command('runs').description('find and inspect runs (Temporal visibility on the Cairn search attributes)');

  runs
    .command('list')
    .description('runs: open ones first, then finished ones, most recently finished first')
    .option('--pipeline <id>', 'only this pipeline')
    .option('--status <status>', 'running | awaiting_operator | succeeded | failed | cancelled')
    .option('--trigger <name>', 'only runs started by this trigger (manual, a schedule name, drift, ...)')
    .option('--since <when>', 'started since: a duration back from now (2h, 7d) or a time')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action(async (options: { pipeline?: string; status?: string; trigger?: string; since?: string; limit: string; json?: boolean }) => {
      // The API checks each filter (a bad status or pipeline is a 422 naming it); the CLI passes them as typed.
      const query = {
        limit: options.limit,
        ...(options.pipeline ? { pipeline: options.pipeline } : {}),
        ...(options.status ? { status: options.status as 'running' } : {}),
        ...(options.trigger ? { trigger: options.trigger } : {}),
        ...(options.since ? { since: parseTimeFlag(options.since, '--since', { durationBack: true }) } : {}),
      };
      const { runs: list } = await answer(context.api().api.v1.runs.$get({ query }));
      if (options.json) return context.printJson({ runs: list });
      if (list.length === 0) context.print('no runs match');
      for (const run of list) context.print(`${run.startTime}  ${run.status.padEnd(17)}  ${run.runId}`);
    });

  runs
    .command('show')
    .description("a run's status and every step (same as `cairn status`)")
    .argument('<runId>')
    .option('--json', 'print JSON')
    .action(showRun(context));

  program
    .command('rerun')
    .description('start a new run from a step: upstream outputs are reused from the original run')
    .argument('<runId>')
    .requiredOption('--from <step>', 'the first step to execute again (and everything downstream of it)')
    .option('--json', 'print JSON')
    .action(async (runId: string, options: { from: string; json?: boolean }) => {
      const rerun = await answer(context.api().api.v1.runs[':runId'].rerun.$post({ param: pathParams({ runId }), json: { fromStep: options.from } }));
      if (options.json) return context.printJson(rerun);
      context.print(`started ${rerun.runId}`);
      context.print(`  reused from ${runId}: ${rerun.reused.join(', ') || '-'}`);
      context.print(`  running again: ${rerun.rerun.join(', ')}`);
    });

  program
    .command('event')
    .description('deliver an event: starts every pipeline subscribed with onEvent(name), once per id')
    .argument('<name>')
    .requiredOption('--id <id>', "the event's id; the same id never starts a second run")
    .option('--payload <json>', 'JSON payload', '{}')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { id: string; payload: string; json?: boolean }) => {
      let payload: unknown;
      try {
        payload = JSON.parse(options.payload);
      } catch {
        throw new CliError('--payload: not valid JSON');
      }
      const delivery = await answer(context.api().api.v1.events[':name'].$post({ param: pathParams({ name }), json: { id: options.id, payload } }));
      if (options.json) return context.printJson(delivery);
      for (const run of delivery.started) context.print(`started ${run.runId}`);
      for (const run of delivery.duplicates) context.print(`already started for this event id: ${run.runId}`);
    });
}
