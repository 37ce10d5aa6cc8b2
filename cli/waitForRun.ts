import { answer, pathParams, type ApiClient } from './apiClient';
import type { RunAnswer } from './answers';
import { CliError } from './cliError';
import { operatorHints, runLines, skipReason } from './format';
import { FINISHED_RUN_STATUSES as FINISHED } from '../lib/runContract/types';
import { queuedText } from '../lib/runs/queuedStep';

/** How long a wait keeps polling an API that does not answer (restarting, or its dependency down) before giving up. */
export const RECONNECT_MS = 60_000;

/** The API did not answer (no response, or 503 while a dependency is down): worth asking again. */
function isTransient(error: unknown): boolean {
  return error instanceof CliError && (error.status === undefined || error.status === 503);
}

/**
 * Polls a run until it finishes (or, with `untilOperator`, until it waits for an operator). On a
 * terminal the step list is redrawn in place; otherwise one plain line is printed per step change,
 * which reads well in CI logs. An API that stops answering is polled again for up to `reconnectMs`.
 */
export async function waitForRun(
  api: ApiClient,
  runId: string,
  options: { live: boolean; quiet: boolean; out: NodeJS.WritableStream; pollMs?: number; untilOperator?: boolean; reconnectMs?: number },
): Promise<RunAnswer> {
  const seen = new Map<string, string>();
  const hinted = new Set<string>();
  let drawn = 0;
  let unreachableSince: number | undefined;
  for (;;) {
    let run: RunAnswer;
    try {
      run = await answer(api.api.v1.runs[':runId'].$get({ param: pathParams({ runId }) }));
      if (unreachableSince !== undefined && !options.quiet) options.out.write('the API answers again\n');
      unreachableSince = undefined;
    } catch (error) {
      if (!isTransient(error)) throw error;
      if (unreachableSince === undefined && !options.quiet) options.out.write(`the API does not answer (${(error as Error).message}); asking again for up to ${Math.round((options.reconnectMs ?? RECONNECT_MS) / 1000)} s\n`);
      unreachableSince ??= Date.now();
      if (Date.now() - unreachableSince > (options.reconnectMs ?? RECONNECT_MS)) throw error;
      drawn = 0;
      await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
      continue;
    }
    if (!options.quiet) {
      if (options.live) {
        const lines = runLines(run);
        if (drawn > 0) options.out.write(`\x1b[${drawn}A`);
        for (const line of lines) options.out.write(`\x1b[2K${line}\n`);
        drawn = lines.length;
      } else {
        for (const step of run.steps ?? []) {
          // A step held in its task queue gets a line when that starts, and when workers come or go.
          const key = `${step.status}/${step.round}/${step.attempt ?? ''}/${step.queued ? step.queued.workersPolling > 0 : ''}`;
          if (seen.get(step.name) === key) continue;
          seen.set(step.name, key);
          const extra = step.attempt && step.attempt > 1 ? ` (attempt ${step.attempt})` : '';
          const error = step.error && step.status !== 'succeeded' ? `: ${step.error.message}` : '';
          const state = step.queued ? queuedText(step.queued) : step.status === 'skipped' ? skippedText(skipReason(step)) : `${step.status}${extra}${error}`;
          options.out.write(`${new Date().toISOString()} ${step.name}: ${state}\n`);
        }
      }
      for (const hint of operatorHints(run)) {
        if (hinted.has(hint)) continue;
        hinted.add(hint);
        options.out.write(`${hint}\n`);
        drawn = 0; // the hint scrolled the live view: redraw below it
      }
    }
    if (FINISHED.has(run.status) || (options.untilOperator && run.status === 'awaiting_operator')) return run;
    await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
  }
}

/** A skipped step and why, from its last note: an unmet `when` or a skipped upstream step says "skipped ..." itself; an operator's note follows the word. */
function skippedText(note: string | undefined): string {
  if (note === undefined) return 'skipped';
  return note.startsWith('skipped') ? note : `skipped (${note})`;
}
