import { z } from 'zod';
import { AliasNameSchema } from '../registry/names';
import { defineStageContract } from './contract';

export const deployStage = defineStageContract({
  name: 'deploy',
  summary: 'Points an alias (default production; a canary with a weight) at the version the upstream register step made, recording who started the run and why.',
  config: z.strictObject({
    alias: AliasNameSchema.default('production'),
    /** For a canary alias: the share (0-1) of the default traffic it takes. */
    weight: z.number().min(0).max(1).optional(),
    from: z.string().optional(),
  }),
  output: z.object({ model: z.string(), alias: z.string(), version: z.number().int(), previous: z.number().int().nullable(), moved: z.boolean() }),
  needsStore: true,
  cacheable: false,
});
