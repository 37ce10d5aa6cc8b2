export { runPipeline } from './runPipeline';
