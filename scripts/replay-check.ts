/**
 * `npm run replay-check -- [dir]`: replays recorded histories (default test/fixtures/histories; export
 * your own with `temporal workflow show --output json`) against the workflow bundle workers load
 * (dist-workflows/, built by `npm run setup`), before rolling out new workers: a history that no
 * longer replays means runs in flight would fail on the new code. Exits 1 naming each one.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { prebuiltWorkflowBundle } from '../workers/prebuiltWorkflows';
import { replayHistories } from '../workers/replayHistories';

const dir = resolve(process.env.INIT_CWD ?? process.cwd(), process.argv[2] ?? fileURLToPath(new URL('../test/fixtures/histories/', import.meta.url)));
const bundle = prebuiltWorkflowBundle();
if (!bundle) {
  console.error('replay-check: dist-workflows/ is missing or older than the workflow sources; run `npm run setup` first');
  process.exit(1);
}
Runtime.install({ logger: new DefaultLogger('ERROR') });
const outcomes = await replayHistories(bundle, dir);
for (const { file, error } of outcomes) console.log(`${error ? 'FAIL' : 'ok  '} ${file}${error ? `: ${error}` : ''}`);
const failed = outcomes.filter((o) => o.error).length;
console.log(`${outcomes.length - failed} of ${outcomes.length} histories replay against ${bundle.codePath}`);
process.exit(failed > 0 || outcomes.length === 0 ? 1 : 0);
