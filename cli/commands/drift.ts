import type { Command } from 'commander';
import { formatOf } from '../../lib/data/formatOf';
import type { FeatureDrift } from '../../lib/drift/driftReport';
import { answer, pathParams } from '../apiClient';
import { CliError, EXIT } from '../cliError';
import type { CliContext } from '../context';
import { driftLines } from '../driftLines';

interface DriftOptions {
  json?: boolean;
  columns?: string;
  psi?: string;
  ksPValue?: string;
  failOnDrift?: boolean;
  minRows: string;
}

/**
 * Below this many rows in either file the statistics are noise (one row against 2,000 scored PSI 8.5,
 * "DRIFT", and failed a CI gate): the comparison is shown, with no verdict. The drift watcher has
 * its own minRows (100 predictions) for the same reason.
 */
const DEFAULT_MIN_ROWS = 30;

function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new CliError(`${flag} ${text}: expected a number`);
  return value;
}

export function registerDriftCommand(program: Command, context: CliContext): void {
  program
    .command('drift')
    .description('compare two data files column by column: PSI, KS (D, p), Jensen-Shannon, Wasserstein, chi-square')
    .argument('<reference>', 'the reference data (CSV, Parquet, JSON lines or JSON)')
    .argument('<current>', 'the data to compare with it')
    .option('--columns <list>', 'only these columns, comma-separated')
    .option('--psi <n>', 'PSI threshold (default 0.2)')
    .option('--ks-p-value <n>', 'KS p-value threshold (default 0.001)')
    .option('--fail-on-drift', 'exit with status 3 when the data drifted (for CI)')
    .option('--min-rows <n>', 'fewer rows than this in either file give no verdict', String(DEFAULT_MIN_ROWS))
    .option('--json', 'print JSON')
    .action(async (referencePath: string, currentPath: string, options: DriftOptions) => {
      // Loaded by this command alone: the statistics (and zod, which their thresholds need) cost every other command's start-up.
      const { compareSamples, DriftThresholdsSchema } = await import('../../lib/drift/driftReport');
      const parsed = DriftThresholdsSchema.safeParse({
        ...(options.psi !== undefined ? { psi: number('--psi', options.psi) } : {}),
        ...(options.ksPValue !== undefined ? { ksPValue: number('--ks-p-value', options.ksPValue) } : {}),
      });
      if (!parsed.success) throw new CliError(`thresholds: ${parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ')}`);
      const minRows = number('--min-rows', options.minRows) as number;
      if (!Number.isInteger(minRows) || minRows < 1) throw new CliError(`--min-rows ${options.minRows}: expected a whole number from 1`);
      const only = options.columns?.split(',').map((c) => c.trim()).filter(Boolean);
      // DuckDB is loaded only by the command that reads files.
      const { readColumns } = await import('../../lib/drift/readColumns');
      const [reference, current] = await Promise.all([readColumns(referencePath, formatOf(referencePath)), readColumns(currentPath, formatOf(currentPath))]);
      for (const name of only ?? []) if (!reference.columns.has(name)) throw new CliError(`--columns: '${name}' is not a comparable column of ${referencePath}`);
      // Every new batch has new ids: by default an identifier-like column of the reference is listed, not compared.
      const { identifierColumns } = await import('../../lib/drift/identifierSamples');
      const identifiers = only ? new Map<string, string>() : identifierColumns(reference.columns, reference.rows);
      const wanted = new Map([...reference.columns].filter(([name]) => (only ? only.includes(name) : !identifiers.has(name))));
      const comparison = compareSamples(wanted, current.columns, parsed.data);
      const tooFew = [reference, current].some((side) => side.rows < minRows);
      const drifted = !tooFew && comparison.driftedFeatures.length >= parsed.data.minDriftedFeatures;
      const verdict = tooFew ? ('insufficient-data' as const) : drifted ? ('drift' as const) : ('no-drift' as const);
      const skipped = [...reference.skipped, ...[...identifiers].map(([name, note]) => `${name} (${note}; name it in --columns to compare it)`)];
      // A column the reference never had (a new field upstream) is a change a person wants to hear of.
      const newColumns = only ? [] : [...current.columns.keys()].filter((name) => !reference.names.includes(name));
      const result = { reference: { path: referencePath, rows: reference.rows }, current: { path: currentPath, rows: current.rows }, minRows, verdict, drifted, ...comparison, newColumns, skipped };
      if (options.json) context.printJson(result);
      else printComparison(context, result);
      if (drifted && options.failOnDrift) throw new CliError(`drift in ${comparison.driftedFeatures.join(', ')}`, EXIT.drift);
    });

  program
    .command('drift-report')
    .description('the latest drift reports the drift watcher stored for a served model')
    .argument('<model>')
    .option('--limit <n>', 'how many reports, newest first', '1')
    .option('--json', 'print JSON')
    .action(async (model: string, options: { limit: string; json?: boolean }) => {
      const { reports } = await answer(context.api().api.v1.models[':name'].drift.$get({ param: pathParams({ name: model }), query: { limit: options.limit } }));
      if (options.json) return context.printJson({ model, reports });
      // A watcher that ran before the model was deployed stored nothing: say what a report needs, not that it never ran.
      if (reports.length === 0) context.print(`no drift report for ${model} yet: the drift watcher stores one on its first check after an alias points at a version (its last run: cairn schedules list)`);
      for (const report of reports) {
        context.print(`report ${report.id} at ${report.createdAt}: ${model} v${report.version} (${report.alias}), ${report.window ? `${report.current.rows} served rows since ${report.window.from}` : `${report.current.rows} rows of dataset ${report.current.dataset?.slice(0, 12) ?? '?'}`} vs ${report.reference.rows} training rows`);
        if (report.status === 'insufficient-data') {
          context.print('  no verdict: too few predictions served in the window');
          continue;
        }
        for (const line of driftLines([...report.features, ...(report.prediction ? [report.prediction] : [])])) context.print(`  ${line}`);
        if (report.accuracy) context.print(`  accuracy on ${report.accuracy.labelled} labelled predictions: ${report.accuracy.current.toFixed(3)} (evaluation: ${report.accuracy.reference?.toFixed(3) ?? 'unknown'})`);
        const retrain = report.retrain ? `; retrain ${report.retrain.workflowId}` : report.retrainSkipped ? `; ${report.retrainSkipped}` : '';
        context.print(`  ${report.drifted ? `DRIFT in ${report.driftedFeatures.join(', ') || 'the predictions or accuracy'}` : 'no drift'}${retrain}`);
      }
    });
}

function printComparison(
  context: CliContext,
  result: {
    reference: { path: string; rows: number };
    current: { path: string; rows: number };
    minRows: number;
    verdict: 'drift' | 'no-drift' | 'insufficient-data';
    features: FeatureDrift[];
    missingColumns: string[];
    newColumns: string[];
    driftedFeatures: string[];
    skipped: string[];
  },
): void {
  context.print(`reference ${result.reference.path} (${result.reference.rows} rows)  vs  current ${result.current.path} (${result.current.rows} rows)`);
  for (const line of driftLines(result.features)) context.print(line);
  if (result.missingColumns.length > 0) context.print(`missing from current: ${result.missingColumns.join(', ')}`);
  if (result.newColumns.length > 0) context.print(`new in current (not in the reference, not compared): ${result.newColumns.join(', ')}`);
  if (result.skipped.length > 0) context.print(`not compared: ${result.skipped.join(', ')}`);
  if (result.verdict === 'insufficient-data') {
    const few = [result.reference, result.current].filter((side) => side.rows < result.minRows).map((side) => `${side === result.reference ? 'reference' : 'current'} has ${side.rows} row${side.rows === 1 ? '' : 's'}`);
    context.print(`no verdict: ${few.join(' and ')}, fewer than --min-rows ${result.minRows}`);
    return;
  }
  context.print(result.verdict === 'drift' ? `DRIFT in ${result.driftedFeatures.length} of ${result.features.length + result.missingColumns.length} columns: ${result.driftedFeatures.join(', ')}` : 'no drift');
}
