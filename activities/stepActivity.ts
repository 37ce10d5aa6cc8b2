import { Context } from '@temporalio/activity';
import { z } from 'zod';
import type { AnyStepFunction, StepServices } from '../lib/dsl/defineStep';
import type { StepInput, StepOutput } from '../lib/dsl/stepIo';
import { ConfigError } from '../lib/errors';
import { logger } from '../lib/logger';
import { stepDuration, stepRetries } from '../lib/metrics/metrics';

/** Step outputs travel through Temporal history: keep them small and put data in artifacts. */
export const MAX_STEP_OUTPUT_BYTES = 256 * 1024;
/**
 * How often a running step heartbeats on its own: a third of its heartbeat timeout, so one late
 * beat never times a healthy step out (the SDK throttles what reaches the server anyway).
 */
export function autoHeartbeatMs(heartbeatTimeoutMs: number | undefined): number {
  if (!heartbeatTimeoutMs) return 10_000;
  return Math.min(10_000, Math.max(50, Math.floor(heartbeatTimeoutMs / 3)));
}

export type StepActivity = (input: StepInput) => Promise<StepOutput>;

/**
 * Turns a step function into a Temporal activity: validates its config (non-retryable ConfigError
 * naming the field), heartbeats while it runs so a dead worker is noticed and cancellation reaches
 * it, and refuses outputs too large to belong in workflow history.
 */
export function toActivity(step: AnyStepFunction, services: StepServices): StepActivity {
  return async (input) => {
    const context = Context.current();
    let config = input.config;
    if (step.config) {
      const parsed = step.config.safeParse(input.config);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `config.${i.path.join('.')}: ${i.message}`).join('; ');
        throw new ConfigError(`step '${input.run.step}' (${step.name}): ${problems}`);
      }
      config = parsed.data;
    }
    const timer = setInterval(() => context.heartbeat(), autoHeartbeatMs(context.info.heartbeatTimeoutMs));
    const labels = { pipeline: input.run.pipeline, step: input.run.step, activity: step.name };
    if (context.info.attempt > 1) stepRetries.inc({ pipeline: labels.pipeline, step: labels.step });
    const timing = stepDuration.startTimer(labels);
    let outcome = 'failed';
    try {
      const output = await step.run(
        { ...input, config },
        {
          ...services,
          heartbeat: (details) => context.heartbeat(details),
          signal: context.cancellationSignal,
          attempt: context.info.attempt,
        },
      );
      const checked = checkOutput(input.run.step, output);
      outcome = 'succeeded';
      return checked;
    } catch (error) {
      if (context.cancellationSignal.aborted) outcome = 'cancelled';
      throw error;
    } finally {
      clearInterval(timer);
      const seconds = timing({ outcome });
      logger.info({ runId: input.run.runId, pipeline: labels.pipeline, step: labels.step, activity: step.name, attempt: context.info.attempt, outcome, ms: Math.round(seconds * 1000) }, 'step execution');
    }
  };
}

function checkOutput(stepName: string, output: StepOutput | undefined): StepOutput {
  if (output === undefined) return null;
  const json = z.json().safeParse(output);
  if (!json.success) throw new ConfigError(`step '${stepName}' returned a value that is not plain JSON`);
  const size = Buffer.byteLength(JSON.stringify(output));
  if (size > MAX_STEP_OUTPUT_BYTES) {
    throw new ConfigError(
      `step '${stepName}' returned ${size} bytes; outputs are capped at ${MAX_STEP_OUTPUT_BYTES}: store data as an artifact and return its reference`,
    );
  }
  return output;
}
