import type { Command } from 'commander';
import { answer, pathParams, type ApiClient } from '../apiClient';
import { CliError } from '../cliError';
import type { CliContext } from '../context';
import { FINISHED_RUN_STATUSES as FINISHED } from '../../lib/runContract/types';

/** How often --follow asks for new lines. */
const FOLLOW_POLL_MS = 1_000;

type LogsAnswer = Awaited<ReturnType<typeof readPage>>;

function readPage(api: ApiClient, runId: string, step: string | undefined, after: number) {
  const query = { after: String(after) };
  return step
    ? answer(api.api.v1.runs[':runId'].steps[':step'].logs.$get({ param: pathParams({ runId, step }), query }))
    : answer(api.api.v1.runs[':runId'].logs.$get({ param: pathParams({ runId }), query }));
}

/**
 * `12:03:04.512 train#2 WARN message {"fields":1}`: the time, the step and attempt, the level, the
 * line. A failed attempt's stack (a Python traceback, a JavaScript stack) follows on lines of its
 * own, indented, as it would in a terminal: inside the fields' JSON it was one line of `\n`s.
 */
export function logLine(line: Pick<LogsAnswer['lines'][number], 'at' | 'step' | 'attempt' | 'level' | 'message' | 'fields'>): string {
  const time = line.at.slice(11, 23);
  const { stack, ...rest } = line.fields ?? {};
  const text = typeof stack === 'string' && stack.trim() ? stack : undefined;
  const shown = text === undefined ? (line.fields ?? {}) : rest;
  const fields = Object.keys(shown).length > 0 ? ` ${JSON.stringify(shown)}` : '';
  const trace = text === undefined ? '' : `\n${text.trimEnd().split('\n').map((l) => `    ${l}`).join('\n')}`;
  return `${time} ${line.step}#${line.attempt} ${line.level.toUpperCase().padEnd(5)} ${line.message}${fields}${trace}`;
}

export function registerLogsCommand(program: Command, context: CliContext): void {
  program
    .command('logs')
    .description("what a run's steps logged (ctx.log), oldest first")
    .argument('<runId>')
    .argument('[step]', 'only this step')
    .option('-f, --follow', 'keep printing new lines until the run finishes')
    .option('--json', 'print JSON lines, one object per log line')
    .action(async (runId: string, step: string | undefined, options: { follow?: boolean; json?: boolean }) => {
      const api = context.api();
      let after = 0;
      let trimmedShown = false;
      /** Prints every stored line after `after`, page by page. */
      const drain = async () => {
        for (;;) {
          const page = await readPage(api, runId, step, after);
          if (!trimmedShown && !options.json) {
            for (const [name, count] of Object.entries(page.trimmed)) context.print(`(${count} older lines of ${name} were trimmed: CAIRN_STEP_LOG_MAX_LINES)`);
          }
          trimmedShown = true;
          for (const line of page.lines) context.print(options.json ? JSON.stringify(line) : logLine(line));
          if (page.next === after) return;
          after = page.next;
        }
      };
      const readRun = () => answer(api.api.v1.runs[':runId'].$get({ param: pathParams({ runId }) }));
      const runStatus = async () => (await readRun()).status;
      // An unknown run or step is an error naming it, not an empty log.
      const run = await readRun();
      // Steps are known while Temporal answers (the logs themselves come from the store alone).
      const names = run.steps?.map((s) => s.name) ?? [];
      if (step && run.steps && !names.some((name) => step === name || step.startsWith(`${name}.`))) throw new CliError(`run ${runId} has no step '${step}'; steps: ${names.join(', ')}`);
      let status = run.status;
      await drain();
      // Nothing on stdout (a pipe reads no lines); a person is told why.
      if (after === 0 && !options.json && !options.follow) process.stderr.write(`(${step ? `step ${step} of ` : ''}run ${runId} has logged nothing)\n`);
      while (options.follow && !FINISHED.has(status)) {
        await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
        status = await runStatus();
        // A step stores its last lines before its result reaches the run: the read after the run ends gets them all.
        await drain();
      }
    });
}
