/**
 * How big one run can be. Temporal ends a workflow whose history reaches 51,200 events (it warns
 * from 10,240; both are the server's defaults, `limit.historyCount.error` and `.warn`). A step's first
 * execution writes at most WORST_EVENTS_PER_STEP events (activity scheduled, started, completed, and
 * its share of workflow tasks and search-attribute updates; measured in
 * test/integration/historyBudget.test.ts), and each retry about as many again, so a pipeline is held
 * to MAX_STEPS_PER_RUN steps: room for every step to run three times.
 */
export const HISTORY_EVENT_LIMIT = 51_200;
export const WORST_EVENTS_PER_STEP = 8;
export const MAX_STEPS_PER_RUN = 2_000;
