import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';

/** Each recorded history in `dir` (JSON, as `temporal workflow show --output json` writes it) and what replaying it gave. */
export async function replayHistories(workflowBundle: { codePath: string } | { code: string }, dir: string): Promise<{ file: string; error: string | null }[]> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const histories = files.map((file) => ({ workflowId: file, history: historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8'))) }));
  const outcomes: { file: string; error: string | null }[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle }, histories)) outcomes.push({ file: result.workflowId, error: result.error ? result.error.message : null });
  return outcomes;
}
