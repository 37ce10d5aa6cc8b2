import type { Command } from 'commander';
import { answer, pathParams } from '../apiClient';
import { CliError, EXIT } from '../cliError';
import type { CliContext } from '../context';
import { operatorHints, outputSummaryLines, runLines } from '../format';
import { invocationDirectory } from '../../lib/config';
import { parseParamFlags, resolveLocalPaths } from '../params';
import { waitForRun } from '../waitForRun';

/** `cairn status` and `cairn runs show`: the run, every step, and what an operator can do. */
export function showRun(context: CliContext) {
  return async (runId: string, options: { json?: boolean }) => {
    const run = await answer(context.api().api.v1.runs[':runId'].$get({ param: pathParams({ runId }) }));
    if (options.json) return context.printJson(run);
    for (const line of [...runLines(run), ...operatorHints(run)]) context.print(line);
    const produced = outputSummaryLines(run);
    if (produced.length > 0) context.print(['produced:', ...produced].join('\n'));
    context.print(`page: ${pageUrl(context, run.links.page)}`);
  };
}

/** A page's address on the API the CLI talks to (CAIRN_API_URL, path prefix included). */
function pageUrl(context: CliContext, path: string): string {
  return `${context.config().CAIRN_API_URL.replace(/\/+$/, '')}${path}`;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerRunCommands(program: Command, context: CliContext): void {
  program
    .command('run')
    .description('start a pipeline run')
    .argument('<pipeline>', 'pipeline id (see `cairn pipelines`)')
    .option('-p, --param <key=value>', 'a param, repeatable; read as JSON unless the param is a string', collect, [])
    .option('--key <key>', 'idempotency key: the same key never starts a second run')
    .option('--no-cache', 'run every cacheable step even when the step cache holds its output (the new outputs are cached)')
    .option('--wait', 'wait for the run to finish, showing each step')
    .option('--json', 'print JSON')
    .action(async (pipelineId: string, options: { param: string[]; key?: string; cache: boolean; wait?: boolean; json?: boolean }) => {
      const api = context.api();
      const pipeline = await answer(api.api.v1.pipelines[':id'].$get({ param: pathParams({ id: pipelineId }) }));
      const params = resolveLocalPaths(parseParamFlags(options.param, pipeline.params), invocationDirectory(context.config()));
      const started = await answer(
        api.api.v1.pipelines[':id'].runs.$post({ param: pathParams({ id: pipelineId }), json: { params, trigger: 'cli', ...(options.key ? { key: options.key } : {}), ...(options.cache ? {} : { cache: 'refresh' as const }) } }),
      );
      if (!options.wait) {
        if (options.json) return context.printJson(started);
        context.print(`started ${started.runId}`);
        context.print(`page: ${pageUrl(context, started.links.page)}`);
        if (started.links.web) context.print(`web: ${started.links.web}`);
        return;
      }
      if (!options.json) {
        context.print(`started ${started.runId}\npage: ${pageUrl(context, started.links.page)}${started.links.web ? `\nweb: ${started.links.web}` : ''}`);
      }
      // A run that waits for a person returns control with the commands to continue, rather than blocking for days.
      const run = await waitForRun(api, started.runId, { live: context.isTty, quiet: Boolean(options.json), out: process.stdout, untilOperator: true });
      if (options.json) context.printJson(run);
      else {
        context.print(`run ${run.status}`);
        if (run.status === 'succeeded') for (const line of outputSummaryLines(run)) context.print(line);
      }
      if (run.status === 'awaiting_operator') throw new CliError(`run ${run.runId} waits for an operator (see the commands above, or cairn status ${run.runId})`, EXIT.awaitingOperator);
      if (run.status !== 'succeeded') throw new CliError(`run ${run.runId} ${run.status}`, EXIT.runFailed);
    });

  program
    .command('status')
    .description("show a run's status and every step's state")
    .argument('<runId>')
    .option('--json', 'print JSON')
    .action(showRun(context));

  const descriptions = {
    retry: 'run a step that awaits an operator again',
    skip: 'skip a step that awaits an operator',
    approve: 'approve a step that waits for approval, e.g. a deploy (admin)',
    reject: 'reject a step that waits for approval: it and the run fail (admin)',
  };
  for (const decision of ['retry', 'skip', 'approve', 'reject'] as const) {
    const command = program
      .command(decision)
      .description(descriptions[decision])
      .argument('<runId>')
      .argument('<step>')
      .option('--reason <text>', 'recorded on the step')
      .option('--json', 'print JSON');
    if (decision === 'retry' || decision === 'skip') command.option('--item <index>', `${decision} one item of a mapped step (its index in the map's list)`, itemIndex);
    command.action(async (runId: string, step: string, options: { reason?: string; item?: number; json?: boolean }) => {
      const json = { ...(options.reason ? { reason: options.reason } : {}), ...(options.item === undefined ? {} : { item: options.item }) };
      const result = await answer(context.api().api.v1.runs[':runId'].steps[':step'][decision].$post({ param: pathParams({ runId, step }), json }));
      if (options.json) return context.printJson(result);
      context.print(`${decision} of ${options.item === undefined ? '' : `item ${options.item} of `}step '${result.step.name}' accepted`);
    });
  }

  for (const action of ['abort', 'cancel'] as const) {
    program
      .command(action)
      .description(action === 'abort' ? 'end a run as failed, stopping its running steps' : 'cancel a run (its steps are cancelled)')
      .argument('<runId>')
      .option('--reason <text>', 'why (abort only)')
      .option('--json', 'print JSON')
      .action(async (runId: string, options: { reason?: string; json?: boolean }) => {
        const run = context.api().api.v1.runs[':runId'];
        const param = pathParams({ runId });
        const result = action === 'abort' ? await answer(run.abort.$post({ param, json: options.reason ? { reason: options.reason } : {} })) : await answer(run.cancel.$post({ param }));
        if (options.json) return context.printJson(result);
        context.print(`${runId}: ${result.status}`);
      });
  }
}

/** `--item`: a map item's index, a whole number from 0. */
function itemIndex(value: string): number {
  if (!/^\d+$/.test(value)) throw new CliError(`--item must be an item's index (a whole number from 0), not '${value}'`);
  return Number(value);
}
