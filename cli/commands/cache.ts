import type { Command } from 'commander';
import { parseDuration } from '../../lib/dsl/duration';
import { answer } from '../apiClient';
import { CliError } from '../cliError';
import type { CliContext } from '../context';

export function registerCacheCommands(program: Command, context: CliContext): void {
  const cache = program.command('cache').description('the step cache: outputs of `cache: true` steps, reused while nothing they depend on changes');

  cache
    .command('list')
    .description('entries, most recently used first: key, pipeline/step, the run that produced it, hits')
    .option('--pipeline <id>', 'only this pipeline')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action(async (options: { pipeline?: string; limit: string; json?: boolean }) => {
      const list = await answer(context.api().api.v1.cache.$get({ query: { limit: options.limit, ...(options.pipeline ? { pipeline: options.pipeline } : {}) } }));
      if (options.json) return context.printJson(list);
      if (list.entries.length === 0) return context.print('the step cache is empty');
      for (const entry of list.entries) {
        context.print(`${entry.key.slice(0, 12)}  ${`${entry.pipeline}/${entry.step}`.padEnd(32)} ${entry.runId}  ${entry.hits} hit${entry.hits === 1 ? '' : 's'}  last used ${entry.lastHitAt ?? entry.createdAt}`);
      }
    });

  cache
    .command('evict')
    .description('forget entries not used for a while (the artifacts stay with the runs that reference them)')
    .requiredOption('--older-than <duration>', 'unused for this long: 30d, 12h, ...')
    .option('--pipeline <id>', 'only this pipeline')
    .option('--json', 'print JSON')
    .action(async (options: { olderThan: string; pipeline?: string; json?: boolean }) => {
      if (parseDuration(options.olderThan) === undefined) throw new CliError(`--older-than ${options.olderThan}: expected a duration such as 30d or 12h`);
      const result = await answer(context.api().api.v1.cache.$delete({ query: { olderThan: options.olderThan, ...(options.pipeline ? { pipeline: options.pipeline } : {}) } }));
      if (options.json) return context.printJson(result);
      context.print(`evicted ${result.evicted} entr${result.evicted === 1 ? 'y' : 'ies'} unused since ${result.before}${result.pipeline ? ` (${result.pipeline})` : ''}`);
    });
}
