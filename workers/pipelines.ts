/** Worker for the pipelines queue: runs the runPipeline workflow and every step that names no queue. */
import { config } from '../lib/config';
import { runMain } from '../lib/runMain';
import { runWorker } from './runWorker';

runMain(() => runWorker(config().CAIRN_TASK_QUEUE, true), { exitWhenDone: true });
