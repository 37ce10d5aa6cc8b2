import { z } from 'zod';
import { ArtifactRefSchema } from '../artifacts/artifactRef';
import { ModelNameSchema } from '../registry/names';
import { defineStageContract } from './contract';

export const registerStage = defineStageContract({
  name: 'register',
  summary: "Records the upstream model as the next version of `model` in the registry, with its metrics, params and lineage (the same run's step registering again gets the same version).",
  config: z.strictObject({ model: ModelNameSchema, from: z.string().optional() }),
  output: z.object({ model: z.string(), version: z.number().int(), created: z.boolean(), modelRef: ArtifactRefSchema }),
  needsStore: true,
  cacheable: false,
});
