import type { Command } from 'commander';
import { answer, pathParams } from '../apiClient';
import { CliError, EXIT } from '../cliError';
import type { CliContext } from '../context';
import { parseTimeFlag } from '../timeFlags';


export function registerScheduleCommands(program: Command, context: CliContext): void {
  const schedules = program.command('schedules').description('Temporal Schedules made from the cron and interval triggers in definitions/');

  schedules
    .command('list')
    .description('every schedule with its state, next and last run')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { schedules: list } = await answer(context.api().api.v1.schedules.$get());
      if (options.json) return context.printJson({ schedules: list });
      if (list.length === 0) context.print('no schedules: add cron() or every() triggers to a pipeline');
      for (const s of list) {
        if ('synced' in s) {
          context.print(`${s.scheduleId}  ${s.trigger}  not synced`);
          continue;
        }
        context.print(`${s.scheduleId}  ${s.trigger ?? '(not in definitions/)'}  ${s.paused ? `paused (${s.note ?? ''})` : 'active'}`);
        // A paused schedule fires at none of its next times: they are when it would, once unpaused.
        const next = s.nextRuns[0] ? `${s.paused ? 'next when unpaused' : 'next'} ${s.nextRuns[0]}` : '';
        const last = s.lastRun ? `last ${s.lastRun.scheduledAt} ${s.lastRun.runId ?? ''}`.trimEnd() : '';
        const times = [next, last].filter(Boolean).join('   ');
        if (times) context.print(`    ${times}`);
      }
    });

  schedules
    .command('sync')
    .description('create, update and delete Temporal Schedules to match definitions/ (idempotent)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const result = await answer(context.api().api.v1.schedules.sync.$post());
      if (options.json) return context.printJson(result);
      for (const kind of ['created', 'updated', 'deleted', 'unchanged'] as const) {
        context.print(`${kind.padEnd(9)} ${result[kind].length ? result[kind].join(', ') : '-'}`);
      }
    });

  schedules
    .command('next')
    .description("the next fire times of a pipeline's schedule triggers, in each trigger's time zone")
    .argument('<pipeline>')
    .option('-n, --count <n>', 'how many', '5')
    .option('--json', 'print JSON')
    .action(async (pipeline: string, options: { count: string; json?: boolean }) => {
      const next = await answer(context.api().api.v1.schedules.next[':pipeline'].$get({ param: pathParams({ pipeline }), query: { count: options.count } }));
      if (options.json) return context.printJson(next);
      if (next.triggers.length === 0) context.print(`${pipeline} has no cron or interval trigger`);
      for (const trigger of next.triggers) {
        context.print(`${trigger.name}: ${trigger.trigger}`);
        for (const at of trigger.next) context.print(`  ${at.local} ${trigger.timezone}   (${at.at})`);
      }
    });

  for (const action of ['pause', 'unpause'] as const) {
    schedules
      .command(action)
      .description(`${action} a schedule, recording why`)
      .argument('<scheduleId>', 'cairn:<pipeline>:<name> (see `cairn schedules list`)')
      .option('--reason <text>', 'shown as the schedule note')
      .option('--json', 'print JSON')
      .action(async (id: string, options: { reason?: string; json?: boolean }) => {
        const view = await answer(context.api().api.v1.schedules[':scheduleId'][action].$post({ param: pathParams({ scheduleId: id }), json: options.reason ? { reason: options.reason } : {} }));
        if (options.json) return context.printJson(view);
        context.print(`${id}: ${view.paused ? 'paused' : 'active'}${view.note ? ` (${view.note})` : ''}`);
      });
  }

  schedules
    .command('trigger')
    .description('start a run of a schedule now')
    .argument('<scheduleId>')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const result = await answer(context.api().api.v1.schedules[':scheduleId'].trigger.$post({ param: pathParams({ scheduleId: id }) }));
      if (options.json) return context.printJson(result);
      context.print(`${id}: triggered`);
    });

  schedules
    .command('backfill')
    .description('one run per fire time in [from, to), each with that fire time as its logical date')
    .argument('<scheduleId>')
    .requiredOption('--from <time>', 'start, e.g. 2026-11-01')
    .requiredOption('--to <time>', 'end (exclusive), e.g. 2026-11-08')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { from: string; to: string; json?: boolean }) => {
      const body = { start: parseTimeFlag(options.from, '--from'), end: parseTimeFlag(options.to, '--to') };
      // Said in the flags' words here: the API would name its own fields, start and end.
      if (Date.parse(body.start) >= Date.parse(body.end)) throw new CliError(`--from ${options.from} is not before --to ${options.to}: the range is [from, to)`, EXIT.usage);
      const result = await answer(context.api().api.v1.schedules[':scheduleId'].backfill.$post({ param: pathParams({ scheduleId: id }), json: body }));
      if (options.json) return context.printJson(result);
      context.print(`${id}: backfill from ${body.start} to ${body.end} requested`);
    });
}
