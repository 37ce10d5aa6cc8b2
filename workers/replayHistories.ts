import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { runMetricsSinks } from './createWorker';

type HistoryJson = { events?: { workflowExecutionStartedEventAttributes?: { workflowId?: string } }[] };

/**
 * The workflow id a history was recorded under: the start event names it (servers since 1.25 write
 * it), else the file's name without `.json`. Replay must use the real id: a run's map batches,
 * canary analyses and notifications are child workflows whose ids start with it, and any other id
 * fails their replay as nondeterministic, a false alarm before an upgrade.
 */
function recordedWorkflowId(json: HistoryJson, file: string): string {
  return json.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowId ?? file.replace(/\.json$/, '');
}

/** Each recorded history in `dir` (JSON, as `temporal workflow show --output json` writes it) and what replaying it gave. */
export async function replayHistories(workflowBundle: { codePath: string } | { code: string }, dir: string): Promise<{ file: string; error: string | null }[]> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const fileOf = new Map<string, string>();
  const histories = files.map((file) => {
    const json = JSON.parse(readFileSync(join(dir, file), 'utf8')) as HistoryJson;
    // Two files of the same run are replayed under their file names, so each outcome names its file.
    const recorded = recordedWorkflowId(json, file);
    const workflowId = fileOf.has(recorded) ? file : recorded;
    fileOf.set(workflowId, file);
    return { workflowId, history: historyFromJSON(json) };
  });
  const outcomes: { file: string; error: string | null }[] = [];
  // The sinks are not called on replay; without them the SDK logs an error for every call it skips.
  for await (const result of Worker.runReplayHistories({ workflowBundle, sinks: runMetricsSinks }, histories)) outcomes.push({ file: fileOf.get(result.workflowId) ?? result.workflowId, error: result.error ? result.error.message : null });
  return outcomes;
}
