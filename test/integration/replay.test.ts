import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { replayHistories } from '../../workers/replayHistories';

const HISTORIES = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));
const histories = readdirSync(HISTORIES)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({ file, history: historyFromJSON(JSON.parse(readFileSync(`${HISTORIES}${file}`, 'utf8'))) }));

// What the SDK logs at ERROR while replaying: `cairn replay-check` prints exactly these to its user.
const errorsLogged: string[] = [];
beforeAll(() => Runtime.install({ logger: new DefaultLogger('ERROR', (entry) => errorsLogged.push(entry.message)) }));

describe('replaying recorded histories (scripts/record-histories.ts)', () => {
  it('has the recorded scenarios', () => {
    expect(histories.map((h) => h.file).sort()).toEqual(['abort-map.json', 'abort.json', 'approve.json', 'cancel.json', 'diamond.json', 'failed-run.json', 'fan-out.json', 'plain-steps.json', 'rerun.json', 'retry-then-skip.json', 'step-attempts.json', 'when-list-item.json', 'when-stored-output.json']);
  });

  it('replays every history with the current runPipeline (the bundle workers load, when it is fresh)', async () => {
    const outcomes = await replayHistories({ codePath: inject('workflowBundlePath') }, HISTORIES);
    expect(outcomes.map((o) => o.file)).toEqual(histories.map((h) => h.file).sort());
    expect(outcomes.filter((o) => o.error)).toEqual([]);
    // Replay calls no sink, but a replaying worker must still know them, or it logs an error per call.
    expect(errorsLogged).toEqual([]);
  });

  it('fails for an incompatible change to runPipeline', async () => {
    const bundle = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('../fixtures/workflows/incompatibleRunPipeline.ts', import.meta.url)),
      logger: new DefaultLogger('ERROR'),
    });
    const diamond = histories.find((h) => h.file === 'diamond.json')!;
    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, diamond.history, 'diamond')).rejects.toThrow(/[Nn]ondetermin/);
  });
});
