import type { Command } from 'commander';
import { parseMetricFilter } from '../../lib/experiments/metricFilter';
import { shortNumber } from '../../lib/numberText';
import { answer, pathParams } from '../apiClient';
import { CliError } from '../cliError';
import type { CliContext } from '../context';

const number = (value: number | null) => (value === null ? '-' : shortNumber(value));
const short = (value: unknown) => {
  const text = value === null || value === undefined ? '-' : typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 28 ? `${text.slice(0, 27)}…` : text;
};

/** How many recent experiments are read for the metric names they report, when a named metric matched nothing. */
const KNOWN_METRICS_SAMPLE = 1_000;

export function registerExperimentCommands(program: Command, context: CliContext): void {
  const experiments = program
    .command('experiments')
    .description('training executions (registered or not): params, metrics, data and code; search by metric, or `compare <a> <b>`')
    .option('--pipeline <id>', 'only this pipeline')
    .option('--where <conditions>', "metric conditions, e.g. 'accuracy>0.8' or 'accuracy>=0.8, rmse<3'")
    .option('--sort <metric>', 'best first by this metric (highest first; --asc for lowest)')
    .option('--asc', 'with --sort: lowest first (for errors such as rmse)')
    .option('--limit <n>', 'at most this many', '20')
    .option('--json', 'print JSON')
    .action(async (options: { pipeline?: string; where?: string; sort?: string; asc?: boolean; limit: string; json?: boolean }) => {
      let conditions: { metric: string }[] = [];
      if (options.where) {
        try {
          conditions = parseMetricFilter(options.where);
        } catch (error) {
          throw new CliError(`--where: ${(error as Error).message}`);
        }
      }
      const query = {
        limit: options.limit,
        ...(options.pipeline ? { pipeline: options.pipeline } : {}),
        ...(options.where ? { where: options.where } : {}),
        ...(options.sort ? { sort: options.sort, order: options.asc ? ('asc' as const) : ('desc' as const) } : {}),
      };
      const list = await answer(context.api().api.v1.experiments.$get({ query }));
      // A misspelled metric matches nothing and sorts nothing: name it, with the metrics there are.
      const named = [...conditions.map((c) => c.metric), ...(options.sort ? [options.sort] : [])];
      const sortedByNothing = options.sort !== undefined && !list.experiments.some((e) => options.sort! in e.metrics);
      if (named.length > 0 && (list.experiments.length === 0 || sortedByNothing)) {
        const recent = await answer(context.api().api.v1.experiments.$get({ query: { limit: String(KNOWN_METRICS_SAMPLE), ...(options.pipeline ? { pipeline: options.pipeline } : {}) } }));
        const known = new Set(recent.experiments.flatMap((e) => Object.keys(e.metrics)));
        const unknown = [...new Set(named)].filter((metric) => !known.has(metric));
        if (known.size > 0 && unknown.length > 0) {
          throw new CliError(`no experiment${options.pipeline ? ` of ${options.pipeline}` : ''} reports ${unknown.map((m) => `'${m}'`).join(' or ')}; metrics reported: ${[...known].sort().join(', ')}`);
        }
      }
      if (options.json) return context.printJson(list);
      if (list.experiments.length === 0) return context.print('no experiments match');
      for (const e of list.experiments) {
        const metrics = Object.entries(e.metrics)
          .map(([name, value]) => `${name}=${number(value)}`)
          .join(' ');
        context.print(`#${e.id}  ${e.pipeline}/${e.step}  ${e.algorithm ?? e.activity}  ${metrics}  ${(e.durationMs / 1000).toFixed(1)}s  ${e.runId}`);
      }
    });

  experiments
    .command('compare')
    .description('two experiments side by side: params and metrics (with the difference), and whether data, code and spec were the same')
    .argument('<a>', 'experiment id (from `cairn experiments`)')
    .argument('<b>', 'experiment id')
    .option('--json', 'print JSON')
    .action(async (a: string, b: string, _options: unknown, command: Command) => {
      // `--json` after the ids is also an option of `experiments` itself: read both.
      const options = command.optsWithGlobals<{ json?: boolean }>();
      const comparison = await answer(context.api().api.v1.experiments[':id'].compare[':other'].$get({ param: pathParams({ id: a, other: b }) }));
      if (options.json) return context.printJson(comparison);
      const rows: [string, string, string, string][] = [
        ['', `#${comparison.a.id}`, `#${comparison.b.id}`, ''],
        ['run', comparison.a.runId, comparison.b.runId, ''],
        ...comparison.params.map((p): [string, string, string, string] => [p.name, short(p.a), short(p.b), p.differs ? '≠' : '']),
        ...comparison.metrics.map((m): [string, string, string, string] => [m.name, number(m.a), number(m.b), m.delta === null ? '' : `${m.delta >= 0 ? '+' : ''}${number(m.delta)}`]),
      ];
      const width = rows.map((row) => row.map((cell) => cell.length)).reduce((max, lengths) => max.map((w, i) => Math.max(w, lengths[i] ?? 0)), [0, 0, 0, 0]);
      for (const row of rows) context.print(row.map((cell, i) => cell.padEnd(width[i] ?? 0)).join('  ').trimEnd());
      const same = (label: string, x: { same: boolean }) => `${label} ${x.same ? 'same' : 'differ'}`;
      context.print([same('data:', comparison.dataset), same('code:', comparison.code), same('spec:', comparison.spec)].join('  '));
    });
}
