import type { SweepSummary } from '../lib/stages/pickBest';

/** A sweep as `cairn model` and the demo print it: its rule, then one line per trial, the chosen one marked. */
export function sweepLines(sweep: SweepSummary, indent = '  '): string[] {
  const header = `${indent}sweep:   best of ${sweep.trials.length} trials by ${sweep.metric} (${sweep.direction}): trial ${sweep.best}, run step ${sweep.step}`;
  const rows = sweep.trials.map((trial) => {
    const score = trial.value === null ? (trial.status === 'failed' ? 'failed' : 'no score') : trial.value.toFixed(4);
    return `${indent}  ${trial.index === sweep.best ? '*' : ' '} ${String(trial.index).padStart(3)}  ${score.padStart(8)}  ${JSON.stringify(trial.params)}`;
  });
  return [header, ...rows];
}
