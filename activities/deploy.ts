import { z } from 'zod';
import { defineStep } from '../lib/dsl/defineStep';
import { assertMayMoveAlias, UNKNOWN_STARTER } from '../lib/auth/runAuthority';
import { aliasTarget, moveAlias } from '../lib/registry/aliases';
import { canaryAnalysisId } from '../lib/runContract/canary';
import { CANARY_ALIAS } from '../lib/serving/trafficSplit';
import { deployStage } from '../lib/stages/deploy';
import { upstreamOutput } from './upstreamOutput';

const Registered = z.object({ model: z.string(), version: z.number().int() });

/**
 * deploy: points an alias (default `production`; `canary` with a weight) at the version the upstream
 * register step made, recording the move and who started the run. A protected alias (`production`)
 * moves only for a run an admin or the deployment's own triggers started, or after an admin approved
 * the step: give it `approval: { timeout: '24h' }`.
 */
export const deploy = defineStep({
  name: deployStage.name,
  needsStore: true,
  config: deployStage.config,
  output: deployStage.output,
  run: async ({ run, config, upstream }, runtime) => {
    const { model, version } = upstreamOutput(upstream, Registered, config.from, 'a registered model version (a register output)');
    assertMayMoveAlias(runtime.authority, { runId: run.runId, step: run.step, model, alias: config.alias, startedBy: run.startedBy, approval: run.approval });
    const starter = run.startedBy ?? UNKNOWN_STARTER;
    const approved = run.approval ? `, approved by ${run.approval.by} (${run.approval.role})` : '';
    const actor = `run ${run.runId} started by ${starter.principal} (${starter.role})${approved}`;
    if (config.canary) {
      // A canary needs something to be compared with: the version the alias serves now, if another.
      const baseline = await aliasTarget(runtime.store.pool, model, config.alias);
      if (baseline && baseline.version !== version) {
        const weight = config.canary.steps[0] as number;
        const reason = `canary of v${version} against ${config.alias} v${baseline.version}, deployed by pipeline ${run.pipeline}`;
        const moved = await moveAlias(runtime.store.pool, { model, alias: CANARY_ALIAS, version, weight, actor, reason });
        runtime.log.info(`v${version} takes ${weight * 100}% of ${config.alias}'s traffic as a canary; the analysis promotes it or rolls it back`);
        const canary = { analysisId: canaryAnalysisId(model, version, run.runId), baseline: baseline.version, promotes: config.alias, policy: config.canary, actor };
        return { model, alias: CANARY_ALIAS, version, previous: moved?.previous ?? null, moved: moved !== undefined, canary };
      }
      runtime.log.info(baseline ? `${config.alias} already serves v${version}: no canary` : `${config.alias} serves no version yet: v${version} goes straight to it, with no canary`);
    }
    const moved = await moveAlias(runtime.store.pool, { model, alias: config.alias, version, weight: config.weight, actor, reason: `deployed by pipeline ${run.pipeline}` });
    return { model, alias: config.alias, version, previous: moved?.previous ?? null, moved: moved !== undefined };
  },
});
