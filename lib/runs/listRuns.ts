import { ID_PATTERNS } from '../ids';
import type { Client } from '@temporalio/client';
import { CAIRN_PIPELINE, CAIRN_TRIGGER } from '../searchAttributes';
import { cairnStatusOf } from './describeRun';
import type { RunStatus } from '../runContract/types';

export const RUN_STATUSES = ['running', 'awaiting_operator', 'succeeded', 'failed', 'cancelled'] as const;

export interface RunFilter {
  pipeline?: string;
  status?: (typeof RUN_STATUSES)[number];
  /** What started the run: manual, a schedule's name, drift, an event, ... */
  trigger?: string;
  since?: Date;
  limit?: number;
}

export interface RunSummary {
  runId: string;
  pipeline: string | null;
  trigger: string | null;
  status: RunStatus;
  startTime: string;
  closeTime: string | null;
}

/**
 * Status as a visibility clause. Closed runs are matched on Temporal's own ExecutionStatus (a
 * terminated run never updates CairnStatus); open ones on CairnStatus.
 */
const STATUS_CLAUSE: Record<(typeof RUN_STATUSES)[number], string> = {
  running: `ExecutionStatus = 'Running' AND CairnStatus = 'running'`,
  awaiting_operator: `ExecutionStatus = 'Running' AND CairnStatus = 'awaiting_operator'`,
  succeeded: `ExecutionStatus = 'Completed'`,
  failed: `ExecutionStatus IN ('Failed', 'Terminated', 'TimedOut')`,
  cancelled: `ExecutionStatus = 'Canceled'`,
};

/** The visibility query for a filter. Values are checked by the caller's schema; quotes are refused here too. */
export function runListQuery(filter: RunFilter): string {
  const clauses = [`WorkflowType = 'runPipeline'`];
  if (filter.pipeline) {
    if (!ID_PATTERNS.pipeline.test(filter.pipeline)) throw new Error(`bad pipeline id '${filter.pipeline}'`);
    clauses.push(`${CAIRN_PIPELINE.name} = '${filter.pipeline}'`);
  }
  if (filter.trigger) {
    if (!ID_PATTERNS.short.test(filter.trigger)) throw new Error(`bad trigger '${filter.trigger}'`);
    clauses.push(`${CAIRN_TRIGGER.name} = '${filter.trigger}'`);
  }
  if (filter.status) clauses.push(STATUS_CLAUSE[filter.status]);
  if (filter.since) clauses.push(`StartTime >= '${filter.since.toISOString()}'`);
  return clauses.join(' AND ');
}

/**
 * Runs from Temporal visibility (it may lag a second behind the newest changes), in its order: open
 * runs first, newest first, then closed ones, most recently closed first (SQL visibility has no ORDER BY).
 */
export async function listRuns(client: Client, filter: RunFilter): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  const limit = filter.limit ?? 50;
  for await (const execution of client.workflow.list({ query: runListQuery(filter), pageSize: Math.min(limit, 1000) })) {
    runs.push({
      runId: execution.workflowId,
      pipeline: execution.typedSearchAttributes.get(CAIRN_PIPELINE) ?? null,
      trigger: execution.typedSearchAttributes.get(CAIRN_TRIGGER) ?? null,
      status: cairnStatusOf(execution),
      startTime: execution.startTime.toISOString(),
      closeTime: execution.closeTime?.toISOString() ?? null,
    });
    if (runs.length >= limit) break;
  }
  return runs;
}
