import { z } from 'zod';
import { AliasNameSchema } from '../registry/names';
import { defineStageContract } from './contract';
import { CanaryPolicySchema } from '../canary/canaryPolicy';
import { CANARY_ALIAS, weightOnlyOnCanary } from '../serving/trafficSplit';

export const deployStage = defineStageContract({
  name: 'deploy',
  summary: 'Points an alias (default production; a canary with a weight) at the version the upstream register step made, recording who started the run and why; with `canary`, starts a canary analysis that promotes it stage by stage or rolls it back.',
  config: z
    .strictObject({
      alias: AliasNameSchema.default('production'),
      /** For a canary alias: the share (0-1) of the default traffic it takes. */
      weight: z.number().min(0).max(1).optional(),
      from: z.string().optional(),
      /** Deploy as a canary judged stage by stage, promoted to `alias` or rolled back by the analysis (README "Canary analysis"). */
      canary: CanaryPolicySchema.optional(),
    })
    .refine((c) => !(c.canary && c.weight !== undefined), { message: 'weight and canary exclude each other: a canary analysis sets the weight of each stage (canary.steps)', path: ['weight'] })
    .superRefine((c, context) => {
      if (c.canary === undefined && c.weight !== undefined && c.alias !== CANARY_ALIAS) context.addIssue({ code: 'custom', message: weightOnlyOnCanary(c.alias), path: ['weight'] });
    }),
  output: z.object({
    model: z.string(),
    alias: z.string(),
    version: z.number().int(),
    previous: z.number().int().nullable(),
    moved: z.boolean(),
    /** The canary analysis this deploy started (its workflow id), against which version, promoting to which alias. */
    canary: z.object({ analysisId: z.string(), baseline: z.number().int(), promotes: z.string(), policy: CanaryPolicySchema, actor: z.string() }).optional(),
  }),
  needsStore: true,
  cacheable: false,
});
