import { STAGES, type StageName } from '../stages';
import { CACHE_LOOKUP_ACTIVITY, CACHE_RECORD_ACTIVITY } from '../runContract/stepCache';
import { MAP_BOOKKEEPING_ACTIVITIES } from '../runContract/map';
import { DELIVER_NOTIFICATION_ACTIVITY, NOTIFICATION_TARGETS_ACTIVITY } from '../notifications/events';

/**
 * Names of the stages every Cairn worker registers (activities/ implements them). The registry
 * checks each step's activity against these and the steps declared with defineStep, so a typo in
 * an activity name fails when definitions load, not when a run is stuck waiting for a worker.
 */
export const BUILTIN_STAGES = Object.keys(STAGES) as StageName[];
export type BuiltinStage = StageName;

/** The activity name a mapped sub-pipeline's compiled step carries: it runs its steps, not an activity of its own. */
export const MAP_ACTIVITY = 'cairn-map';

/** Activities of Cairn's own bookkeeping (the drift watcher, the step cache, notifications): no step may take these names. */
export const RESERVED_ACTIVITIES = [MAP_ACTIVITY, ...MAP_BOOKKEEPING_ACTIVITIES, 'checkDrift', 'checkFeedback', 'claimRetrain', 'beginCanaryStage', 'judgeCanaryStage', 'endCanary', CACHE_LOOKUP_ACTIVITY, CACHE_RECORD_ACTIVITY, NOTIFICATION_TARGETS_ACTIVITY, DELIVER_NOTIFICATION_ACTIVITY] as const;
