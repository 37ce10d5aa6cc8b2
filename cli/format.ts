import { queuedText } from '../lib/runs/queuedStep';
import { outputJsonLine, stageSummary } from '../lib/stepSummaries';
import type { RunAnswer as RunView, StepAnswer as StepView } from './answers';

const MARK: Record<StepView['status'], string> = {
  pending: '·',
  awaiting_approval: '?',
  running: '▸',
  awaiting_operator: '!',
  succeeded: '✔',
  failed: '✖',
  skipped: '↷',
  cancelled: '⊘',
};

function seconds(step: StepView, now: number): string {
  if (!step.startedAt) return '';
  const end = step.finishedAt ? Date.parse(step.finishedAt) : now;
  return `${((end - Date.parse(step.startedAt)) / 1000).toFixed(2)}s`;
}

/** Why a step was skipped (an operator's reason, an unmet `when`, a skipped upstream step): its last note; undefined for a step not skipped. */
export function skipReason(step: Pick<StepView, 'status' | 'operatorNotes'>): string | undefined {
  return step.status === 'skipped' ? step.operatorNotes.at(-1) : undefined;
}

/** One line per step: mark, name, status, attempt, time, and the error when there is one. */
export function stepLine(step: StepView, nameWidth: number, now = Date.now()): string {
  const attempt = step.status === 'running' && step.attempt && step.attempt > 1 ? ` attempt ${step.attempt}` : '';
  const round = (step.round > 1 ? ` (round ${step.round})` : step.reusedFrom ? ' (reused)' : step.cachedFrom ? ' (cached)' : '') + (step.local ? ' (light)' : '');
  // Which run a cached output came from is worth its own words: the output is that run's.
  const cached = step.cachedFrom ? `  cached from ${step.cachedFrom}` : '';
  const error = step.error && step.status !== 'succeeded' ? `  ${step.error.type}: ${step.error.message}` : '';
  const failure = step.status === 'running' && step.lastFailure ? `  last failure: ${step.lastFailure}` : '';
  const skipped = skipReason(step);
  const why = skipped === undefined ? '' : `  ${skipped}`;
  return `  ${MARK[step.status]} ${step.name.padEnd(nameWidth)}  ${`${step.status}${attempt}${round}`.padEnd(24)} ${seconds(step, now).padStart(8)}${cached}${error}${failure}${why}`;
}

export function runLines(run: RunView, now = Date.now()): string[] {
  const steps = run.steps ?? [];
  const width = Math.max(4, ...steps.map((s) => s.name.length));
  const header = `${run.pipeline ?? '?'}  ${run.runId}  ${run.status}${run.startedBy ? `  started by ${run.startedBy.principal} (${run.startedBy.role})` : ''}`;
  return [
    header,
    ...(run.abortReason ? [`  aborted: ${run.abortReason}`] : []),
    ...steps.flatMap((s) => [stepLine(s, width, now), ...(s.queued ? [`      ${queuedText(s.queued, now)}`] : []), ...mapLines(s), ...stackLines(s)]),
    ...(run.stepsUnavailable ? [`  (${run.stepsUnavailable})`] : []),
  ];
}

/** Items listed under a mapped step, at most; `--json` has the run state's whole list. */
const MAP_ITEMS_SHOWN = 10;

/** A mapped step's items: counts, then the items that need or had attention. */
function mapLines(step: StepView): string[] {
  const map = step.map;
  if (!map) return [];
  const counts = [
    `${map.succeeded}/${map.total} succeeded`,
    ...(map.awaitingOperator ? [`${map.awaitingOperator} awaiting an operator`] : []),
    ...(map.failed ? [`${map.failed} failed`] : []),
    ...(map.skipped ? [`${map.skipped} skipped`] : []),
    ...(map.cancelled ? [`${map.cancelled} cancelled`] : []),
    ...(map.inFlight ? [`${map.inFlight} in flight`] : []),
  ];
  const notable = map.items.filter((item) => item.status !== 'running');
  const shown = notable.slice(0, MAP_ITEMS_SHOWN).map((item) => `      item ${item.index}: ${item.status}${item.error ? `  ${item.error.type}: ${item.error.message}` : ''}${item.operatorNotes.length ? `  (${item.operatorNotes.at(-1)})` : ''}`);
  const more = notable.length - shown.length + map.itemsNotListed;
  return [`      items: ${counts.join(', ')} (concurrency ${map.concurrency}, min-success ${map.minSuccess})`, ...shown, ...(more > 0 ? [`      ... and ${more} more (cairn status --json)`] : [])];
}

/** Where a failed step's code threw: its first three frames, under its line (the whole recorded stack is in --json). */
function stackLines(step: StepView): string[] {
  if (!step.error?.stack || step.status === 'succeeded') return [];
  return step.error.stack
    .split('\n')
    .slice(0, 3)
    .map((frame) => `      ${frame.trim()}`);
}

/** What an operator can do about a run that waits: the exact commands. */
export function operatorHints(run: RunView): string[] {
  // A finished run takes no decisions, whatever its steps last showed (an aborted run's waiting step).
  if (run.closeTime !== null || run.status === 'failed' || run.status === 'succeeded' || run.status === 'cancelled') return [];
  return (run.steps ?? []).flatMap((s) => {
    if (s.status === 'awaiting_operator') return [`step '${s.name}' awaits an operator: cairn retry ${run.runId} ${s.name} | cairn skip ${run.runId} ${s.name} | cairn abort ${run.runId}`];
    if (s.status === 'awaiting_approval') return [`step '${s.name}' awaits approval: cairn approve ${run.runId} ${s.name} | cairn reject ${run.runId} ${s.name} --reason '...'`];
    const waiting = (s.map?.items ?? []).filter((item) => item.status === 'awaiting_operator').slice(0, MAP_ITEMS_SHOWN);
    return waiting.map((item) => `item ${item.index} of step '${s.name}' awaits an operator: cairn retry ${run.runId} ${s.name} --item ${item.index} | cairn skip ${run.runId} ${s.name} --item ${item.index}`);
  });
}

/** Longest output shown per step when a run finishes; `cairn status --json` has the whole of each. */
const OUTPUT_SUMMARY_CHARS = 160;

/** What a finished run produced: one line per step with an output (a built-in stage's in words, else its JSON with artifacts shortened, cut). */
export function outputSummaryLines(run: RunView): string[] {
  return (run.steps ?? []).flatMap((step) => {
    if (step.output === null || step.output === undefined) return [];
    const words = stageSummary(step.activity, step.output);
    if (words) return [`  ${step.name}: ${words}`];
    return [`  ${step.name}: ${outputJsonLine(step.output, OUTPUT_SUMMARY_CHARS)}`];
  });
}
