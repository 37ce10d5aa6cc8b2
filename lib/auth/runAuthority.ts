import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../canonicalJson';
import type { JsonValue, PipelineSpec } from '../dsl/spec';
import { NotPermittedError } from '../errors';
import { everyStepSpec } from '../dsl/walkSteps';

/**
 * Who started a run, and so with what authority its steps act. `deployment` is the deployment's own
 * definitions acting (a schedule, a drift trigger): what they do was decided by whoever deployed them.
 */
export const StarterSchema = z.strictObject({
  /** `key:<id>` (a stored key), `env-key:<name>` (CAIRN_API_KEYS), `local` (no keys, this machine), `schedule`, `drift`. */
  principal: z.string().min(1).max(200),
  role: z.enum(['viewer', 'operator', 'admin', 'deployment']),
});
export type Starter = z.infer<typeof StarterSchema>;

/** What an approval carries into the step it let run: who approved, with which role, signed by the API. */
export const ApprovalSchema = z.strictObject({ by: z.string(), role: z.enum(['viewer', 'operator', 'admin']), signature: z.string().optional() });
export type Approval = z.infer<typeof ApprovalSchema>;

/** A run started before runs recorded their starter: it is given no more than an operator's authority. */
export const UNKNOWN_STARTER: Starter = { principal: 'unknown', role: 'operator' };

/** A program with its own Temporal client (scripts, tests): it could start any workflow anyway. */
export const DIRECT_STARTER: Starter = { principal: 'temporal-client', role: 'admin' };

/** What workers trust about runs: the deployment's spec secret and the aliases only an admin may move. */
export interface RunAuthorityPolicy {
  /** CAIRN_SPEC_SECRET: when set, a step runs only with the API's signature over its spec. */
  specSecret: string | undefined;
  /** Aliases an operator-started run may move only through an admin-approved step (CAIRN_PROTECTED_ALIASES). */
  protectedAliases: readonly string[];
}

/** What a worker trusts when nothing is configured: no spec secret, `production` protected (CAIRN_PROTECTED_ALIASES' default). */
export const DEFAULT_RUN_AUTHORITY: RunAuthorityPolicy = { specSecret: undefined, protectedAliases: ['production'] };

/** The part of a step's spec that decides what it does, as signed by the API and checked by the worker. */
export interface SignedStep {
  pipeline: string;
  step: string;
  activity: string;
  config: JsonValue;
  startedBy: Starter;
}

function hmac(secret: string, kind: string, value: unknown): string {
  return createHmac('sha256', secret).update(`${kind}\n${canonicalJson(value)}`).digest('hex');
}

function sameSignature(expected: string, given: string | undefined): boolean {
  if (!given || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}

export function signStep(secret: string, step: SignedStep): string {
  return hmac(secret, 'cairn-step-v1', step);
}

/** Every step's signature for a run of `spec` started by `startedBy` (RunInput.signatures), by path: a mapped sub-pipeline's steps too (`per-region.fit`). */
export function signSpec(secret: string, spec: PipelineSpec, startedBy: Starter): Record<string, string> {
  return Object.fromEntries(everyStepSpec(spec.steps).map(({ path, step: s }) => [path, signStep(secret, { pipeline: spec.pipeline, step: path, activity: s.activity, config: s.config, startedBy })]));
}

export function signApproval(secret: string, approval: { runId: string; step: string; by: string; role: Approval['role'] }): string {
  return hmac(secret, 'cairn-approval-v1', approval);
}

/**
 * Refuses a step whose spec the API did not issue (a run started straight in Temporal with a forged
 * spec or starter), naming why. Without a secret there is nothing to check against.
 */
export function verifyStep(policy: RunAuthorityPolicy, step: SignedStep, signature: string | undefined): void {
  if (!policy.specSecret) return;
  if (!signature) throw new NotPermittedError(`step '${step.step}' carries no signature: this worker runs only runs the Cairn API started (CAIRN_SPEC_SECRET is set)`);
  if (!sameSignature(signStep(policy.specSecret, step), signature)) {
    throw new NotPermittedError(`step '${step.step}': its spec, config or starter does not match the API's signature, so it was not issued by the Cairn API (or CAIRN_SPEC_SECRET differs between the API and this worker)`);
  }
}

/**
 * May a step of this run move `alias`? Any alias that is not protected, yes. A protected one (such as
 * `production`) only for a run started by an admin or by the deployment's own triggers, or when an
 * admin approved this step (the approval signed by the API when a secret is set).
 */
export function assertMayMoveAlias(
  policy: RunAuthorityPolicy,
  move: { runId: string; step: string; model: string; alias: string; startedBy: Starter | undefined; approval: Approval | undefined },
): void {
  if (!policy.protectedAliases.includes(move.alias)) return;
  const starter = move.startedBy ?? UNKNOWN_STARTER;
  if (starter.role === 'admin' || starter.role === 'deployment') return;
  const approval = move.approval;
  if (approval?.role === 'admin') {
    if (!policy.specSecret) return;
    if (sameSignature(signApproval(policy.specSecret, { runId: move.runId, step: move.step, by: approval.by, role: approval.role }), approval.signature)) return;
    throw new NotPermittedError(`step '${move.step}': its approval is not signed by the Cairn API`);
  }
  throw new NotPermittedError(
    `step '${move.step}' may not move ${move.model}'s '${move.alias}' alias: the run was started by ${starter.principal} (${starter.role}), ` +
      `and '${move.alias}' is protected (CAIRN_PROTECTED_ALIASES). An admin can start the run, or the step can declare approval: { timeout } for an admin to approve`,
  );
}
