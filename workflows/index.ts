export { runPipeline } from './runPipeline';
export { watchDrift } from './watchDrift';
export { deliverNotifications } from './notify';
export { runMapBatch } from './mapBatch';
export { canaryAnalysis } from './canaryAnalysis';
