/** Worker for the pipelines queue: runs the runPipeline workflow and every step that names no queue. */
import { config } from '../lib/config';
import { main, runWorker } from './runWorker';

main(() => runWorker(config().CAIRN_TASK_QUEUE, true));
