import type { Command } from 'commander';
import { answer } from '../apiClient';
import type { CliContext } from '../context';

export function registerPipelineCommands(program: Command, context: CliContext): void {
  program
    .command('pipelines')
    .description('list the pipelines in definitions/')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const list = await answer(context.api().api.v1.pipelines.$get());
      if (options.json) return context.printJson(list);
      const width = Math.max(8, ...list.pipelines.map((p) => p.id.length));
      for (const p of list.pipelines) {
        context.print(`${p.id.padEnd(width)}  ${String(p.steps.length).padStart(2)} steps  ${p.description ?? ''}`);
      }
    });
}
