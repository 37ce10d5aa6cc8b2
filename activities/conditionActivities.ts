import { ApplicationFailure } from '@temporalio/common';
import { resolveOutput } from '../lib/artifacts/outputRef';
import type { StepServices } from '../lib/dsl/defineStep';
import type { JsonValue } from '../lib/dsl/spec';
import { toError } from '../lib/faults/toError';
import { unmetCondition } from '../lib/runContract/stepCondition';
import { STORED_OUTPUT_CONDITION_ACTIVITY, type StoredOutputConditionRequest, type StoredOutputConditionVerdict } from '../lib/runContract/storedOutputCondition';

/**
 * Decides a step's `when` on an upstream output kept in the artifact store (see
 * lib/runContract/storedOutputCondition.ts), with the same rule the workflow applies to an inline
 * output. An output that cannot be read keeps its error's type (a missing or corrupt artifact is a
 * DataError, not retried) and names the step that was deciding.
 */
export function conditionActivities(services: Pick<StepServices, 'artifacts'>) {
  return {
    async [STORED_OUTPUT_CONDITION_ACTIVITY](request: StoredOutputConditionRequest): Promise<StoredOutputConditionVerdict> {
      const { condition, upstream } = request;
      let output;
      try {
        output = await resolveOutput(upstream.output as unknown as JsonValue, services.artifacts);
      } catch (thrown) {
        const error = toError(thrown);
        throw ApplicationFailure.create({
          message: `step '${request.step}' cannot decide its when: step '${condition.step}' gave an output of ${upstream.output.size} bytes, kept as ${upstream.output.$cairnOutput}, which could not be read: ${error.message}`,
          // Its type keeps the retry policy: the workflow's local-activity options do not retry a DataError.
          type: error.name,
        });
      }
      return { unmet: unmetCondition(condition, { step: () => ({ status: upstream.status, output }), params: null }) ?? null };
    },
  };
}
