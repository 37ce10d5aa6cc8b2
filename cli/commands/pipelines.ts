import type { Command } from 'commander';
import type { CliContext } from '../context';

interface PipelineList {
  pipelines: { id: string; description: string; steps: { name: string; after: string[] }[] }[];
}

export function registerPipelineCommands(program: Command, context: CliContext): void {
  program
    .command('pipelines')
    .description('list the pipelines in definitions/')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const list = await context.api().get<PipelineList>('/api/v1/pipelines');
      if (options.json) return context.printJson(list);
      const width = Math.max(8, ...list.pipelines.map((p) => p.id.length));
      for (const p of list.pipelines) {
        context.print(`${p.id.padEnd(width)}  ${String(p.steps.length).padStart(2)} steps  ${p.description}`);
      }
    });
}
