export { runPipeline } from './runPipeline';
export { watchDrift } from './watchDrift';
