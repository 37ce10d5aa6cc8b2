import type { Command } from 'commander';
import { answer, pathParams } from '../apiClient';
import type { CliContext } from '../context';
import { percentText } from '../../lib/numberText';

const fixed = (value: number | null, digits = 3) => (value === null ? '-' : value.toFixed(digits));

/** `cairn canary` and `cairn shadow`: what canary analyses decided, and how shadows compare. */
export function registerCanaryCommands(program: Command, context: CliContext): void {
  program
    .command('canary')
    .description("a model's canary analyses: each stage's decision (start, wait, next stage, promote, rollback) and why")
    .argument('<model>')
    .option('--limit <n>', 'how many analyses, newest first', '3')
    .option('--json', 'print JSON')
    .action(async (model: string, options: { limit: string; json?: boolean }) => {
      const { analyses } = await answer(context.api().api.v1.models[':name'].canary.$get({ param: pathParams({ name: model }), query: { limit: options.limit } }));
      if (options.json) return context.printJson({ model, analyses });
      if (analyses.length === 0) context.print(`no canary analysis of ${model}: give its deploy step a canary policy (README "Canary analysis")`);
      for (const analysis of analyses) {
        context.print(`${analysis.id}: v${analysis.candidate} against v${analysis.baseline}, ${analysis.status} (started ${analysis.startedAt}${analysis.endedAt ? `, ended ${analysis.endedAt}` : ''})`);
        for (const d of analysis.decisions) context.print(`  ${d.decidedAt}  ${d.decision.padEnd(10)} ${percentText(d.weight).padStart(6)}  ${d.reason}`);
        if (analysis.status === 'running') context.print(`  still running; to stop the canary's traffic now: cairn deploy ${model} ${analysis.candidate} --alias canary --weight 0`);
      }
    });

  program
    .command('shadow')
    .description("each shadow version of a model against production on the same requests")
    .argument('<model>')
    .option('--json', 'print JSON')
    .action(async (model: string, options: { json?: boolean }) => {
      const { shadows } = await answer(context.api().api.v1.models[':name'].shadow.$get({ param: pathParams({ name: model }) }));
      if (options.json) return context.printJson({ model, shadows });
      if (shadows.length === 0) context.print(`no shadow predictions of ${model}: cairn deploy ${model} <version> --alias shadow copies the default traffic to a version`);
      for (const s of shadows) {
        const quality =
          s.labelled === 0
            ? 'no feedback on these requests yet'
            : s.shadowAccuracy !== null
              ? `accuracy on ${s.labelled} labelled: ${fixed(s.shadowAccuracy)} (production ${fixed(s.productionAccuracy)})`
              : `mean absolute error on ${s.labelled} labelled: ${fixed(s.shadowMeanAbsoluteError)} (production ${fixed(s.productionMeanAbsoluteError)})`;
        context.print(`v${s.version}: ${s.predictions} predictions, agrees with production on ${s.agreement === null ? '-' : percentText(s.agreement)} of ${s.compared}; ${quality}; ${fixed(s.shadowLatencyMs, 2)} ms to predict (${s.firstAt} to ${s.lastAt})`);
      }
    });
}
