import type { Command } from 'commander';
import { answer, pathParams } from '../apiClient';
import { CliError } from '../cliError';
import type { CliContext } from '../context';
import { sweepLines } from '../sweepLines';

const metricText = (metrics: Record<string, unknown>) =>
  Object.entries(metrics)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => `${k} ${(v as number).toFixed(4)}`)
    .join(', ');

export function registerModelCommands(program: Command, context: CliContext): void {
  program
    .command('models')
    .description('registered models, or the versions of one model with their metrics')
    .argument('[name]')
    .option('--json', 'print JSON')
    .action(async (name: string | undefined, options: { json?: boolean }) => {
      if (!name) {
        const { models } = await answer(context.api().api.v1.models.$get());
        if (options.json) return context.printJson({ models });
        if (models.length === 0) context.print('no models registered yet');
        for (const m of models) context.print(`${m.name}  latest v${m.latestVersion ?? '-'}  ${Object.entries(m.aliases).map(([a, v]) => `${a}=v${v}`).join(' ')}`);
        return;
      }
      const { versions } = await answer(context.api().api.v1.models[':name'].versions.$get({ param: pathParams({ name }) }));
      if (options.json) return context.printJson({ model: name, versions });
      for (const v of versions) context.print(`v${v.version}  ${v.createdAt}  ${v.algorithm}  ${metricText(v.metrics)}${v.aliases.length ? `  [${v.aliases.join(', ')}]` : ''}`);
    });

  program
    .command('model')
    .description('one model version: metrics, params and lineage')
    .argument('<name>')
    .argument('<version>')
    .option('--json', 'print JSON')
    .action(async (name: string, version: string, options: { json?: boolean }) => {
      const v = await answer(context.api().api.v1.models[':name'].versions[':version'].$get({ param: pathParams({ name, version }) }));
      if (options.json) return context.printJson(v);
      context.print(`${v.model} v${v.version} (${v.algorithm})${v.aliases.length ? ` [${v.aliases.join(', ')}]` : ''}`);
      context.print(`  metrics: ${metricText(v.metrics)}`);
      context.print(`  params:  ${JSON.stringify(v.params)}`);
      context.print(`  run:     ${v.lineage.runId} (step ${v.lineage.step}, pipeline ${v.lineage.pipeline}, spec ${v.lineage.specHash.slice(0, 12)})`);
      context.print(`  dataset: sha256 ${v.lineage.datasetSha256}`);
      context.print(`  model:   cas://sha256/${v.modelSha256}  (${v.lineage.codeVersion})`);
      if (v.lineage.sweep) for (const line of sweepLines(v.lineage.sweep)) context.print(line);
    });

  program
    .command('card')
    .description("a model version's card: details, intended use, factors, metrics, evaluation and training data, caveats, promotions and drift")
    .argument('<name>')
    .argument('<version>')
    .option('--format <format>', 'md or json', 'md')
    .option('--as-registered', 'the card as it was when the version was registered (no promotions or drift since)')
    .action((name: string, version: string, options: { format: string; asRegistered?: boolean }) =>
      printCard(context, options.format, () =>
        answer(context.api().api.v1.models[':name'].versions[':version'].card.$get({ param: pathParams({ name, version }), query: { as: options.asRegistered ? 'registered' : 'current' } })),
      ),
    );

  program
    .command('data-card')
    .description("a dataset's card: source, profile, validations with their contracts, the model versions trained on it")
    .argument('<sha256>', 'the dataset: its sha256, or its first 8 or more digits as `cairn status` shows them')
    .option('--format <format>', 'md or json', 'md')
    .action((sha256: string, options: { format: string }) => printCard(context, options.format, () => answer(context.api().api.v1.datasets[':sha256'].card.$get({ param: pathParams({ sha256 }) }))));

  program
    .command('deploy')
    .description('point an alias at a model version (admin); --alias canary --weight 0.1 sends it 10% of the default traffic')
    .argument('<model>')
    .argument('<version>')
    .option('--alias <alias>', 'the alias to move', 'production')
    .option('--weight <share>', 'traffic share 0-1 for a canary alias (0 stops the split)')
    .option('--reason <text>', 'recorded in the alias history')
    .option('--json', 'print JSON')
    .action(async (model: string, version: string, options: { alias: string; weight?: string; reason?: string; json?: boolean }) => {
      const number = Number(version.replace(/^v/, ''));
      if (!Number.isInteger(number) || number < 1) throw new CliError(`version '${version}': expected a version number such as 3 or v3`);
      const weight = options.weight === undefined ? undefined : Number(options.weight);
      if (weight !== undefined && !(weight >= 0 && weight <= 1)) throw new CliError(`--weight ${options.weight}: expected a share between 0 and 1`);
      const moved = await answer(
        context.api().api.v1.models[':name'].aliases[':alias'].$put({
          param: pathParams({ name: model, alias: options.alias }),
          json: { version: number, ...(weight !== undefined ? { weight } : {}), ...(options.reason ? { reason: options.reason } : {}) },
        }),
      );
      if (options.json) return context.printJson(moved);
      context.print(moved.moved ? `${model} ${options.alias}: ${moved.previous ? `v${moved.previous}` : '(none)'} -> v${number}${weight !== undefined ? ` at weight ${weight}` : ''}` : `${model} ${options.alias} already at v${number}`);
    });

  program
    .command('rollback')
    .description("move a model's alias back to the version it pointed at before its latest move (admin)")
    .argument('<model>')
    .option('--alias <alias>', 'the alias to move back', 'production')
    .option('--reason <text>', 'recorded in the alias history')
    .option('--json', 'print JSON')
    .action(async (model: string, options: { alias: string; reason?: string; json?: boolean }) => {
      const moved = await answer(
        context.api().api.v1.models[':name'].aliases[':alias'].rollback.$post({ param: pathParams({ name: model, alias: options.alias }), json: options.reason ? { reason: options.reason } : {} }),
      );
      if (options.json) return context.printJson(moved);
      context.print(`${model} ${options.alias}: v${moved.previous} -> v${moved.version}`);
    });
}

/** A card as `--format` asks: its Markdown (md) or its JSON; the format is checked before the API is asked. */
async function printCard(context: CliContext, format: string, fetchCard: () => Promise<{ card: unknown; markdown: string }>): Promise<void> {
  if (format !== 'md' && format !== 'json') throw new CliError(`--format ${format}: expected md or json`);
  const answered = await fetchCard();
  if (format === 'json') return context.printJson(answered.card);
  context.print(answered.markdown);
}
