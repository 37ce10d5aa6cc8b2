/**
 * Worker for one step queue (steps declared with `queue: '<name>'`), e.g. big machines for training:
 *   npm run worker:steps -- train
 */
import { ConfigError } from '../lib/errors';
import { ID_PATTERNS } from '../lib/ids';
import { stepTaskQueue } from '../lib/taskQueues';
import { runMain } from '../lib/runMain';
import { runWorker } from './runWorker';

runMain(async () => {
  const queue = process.argv[2];
  if (!queue || !ID_PATTERNS.pipeline.test(queue)) {
    throw new ConfigError('usage: workers/steps.ts <queue>  (the queue name a step declares, e.g. train)');
  }
  await runWorker(stepTaskQueue(queue), false);
}, { exitWhenDone: true });
