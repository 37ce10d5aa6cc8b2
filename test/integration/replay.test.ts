import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { installQuietRuntime } from '../helpers/temporal';

const HISTORIES = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));
const histories = readdirSync(HISTORIES)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({ file, history: historyFromJSON(JSON.parse(readFileSync(`${HISTORIES}${file}`, 'utf8'))) }));

beforeAll(() => installQuietRuntime());

describe('replaying recorded histories (scripts/record-histories.ts)', () => {
  it('has the recorded scenarios', () => {
    expect(histories.map((h) => h.file).sort()).toEqual(['abort.json', 'approve.json', 'cancel.json', 'diamond.json', 'failed-run.json', 'rerun.json', 'retry-then-skip.json', 'step-attempts.json']);
  });

  it('replays every history with the current runPipeline', async () => {
    const results = Worker.runReplayHistories(
      { workflowBundle: { codePath: inject('workflowBundlePath') } },
      histories.map(({ file, history }) => ({ workflowId: file, history })),
    );
    const failures: string[] = [];
    for await (const result of results) if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    expect(failures).toEqual([]);
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
