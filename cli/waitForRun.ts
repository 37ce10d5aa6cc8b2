import type { RunView } from '../lib/runs/describeRun';
import { runPath, type ApiClient } from './apiClient';
import { operatorHints, runLines } from './format';

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * Polls a run until it finishes. On a terminal the step list is redrawn in place; otherwise one
 * plain line is printed per step change, which reads well in CI logs.
 */
export async function waitForRun(
  api: ApiClient,
  runId: string,
  options: { live: boolean; quiet: boolean; out: NodeJS.WritableStream; pollMs?: number },
): Promise<RunView> {
  const seen = new Map<string, string>();
  const hinted = new Set<string>();
  let drawn = 0;
  for (;;) {
    const run = await api.get<RunView>(runPath(runId));
    if (!options.quiet) {
      if (options.live) {
        const lines = runLines(run);
        if (drawn > 0) options.out.write(`\x1b[${drawn}A`);
        for (const line of lines) options.out.write(`\x1b[2K${line}\n`);
        drawn = lines.length;
      } else {
        for (const step of run.steps ?? []) {
          const key = `${step.status}/${step.round}/${step.attempt ?? ''}`;
          if (seen.get(step.name) === key) continue;
          seen.set(step.name, key);
          const extra = step.attempt && step.attempt > 1 ? ` (attempt ${step.attempt})` : '';
          const error = step.error && step.status !== 'succeeded' ? `: ${step.error.message}` : '';
          options.out.write(`${new Date().toISOString()} ${step.name}: ${step.status}${extra}${error}\n`);
        }
      }
      for (const hint of operatorHints(run)) {
        if (hinted.has(hint)) continue;
        hinted.add(hint);
        options.out.write(`${hint}\n`);
        drawn = 0; // the hint scrolled the live view: redraw below it
      }
    }
    if (FINISHED.has(run.status)) return run;
    await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
  }
}
