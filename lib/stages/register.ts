import { z } from 'zod';
import { ArtifactRefSchema } from '../artifacts/artifactRef';
import { ModelNameSchema } from '../registry/names';
import { defineStageContract } from './contract';
import { CardDeclarationSchema } from '../cards/modelCardSchema';

export const registerStage = defineStageContract({
  name: 'register',
  summary: "Records the upstream model as the next version of `model` in the registry, with its metrics, params, lineage and model card (the same run's step registering again gets the same version).",
  config: z.strictObject({
    model: ModelNameSchema,
    from: z.string().optional(),
    /** What only people can say on the version's model card: intended use, out of scope, factors, caveats. */
    card: CardDeclarationSchema.optional(),
  }),
  output: z.object({ model: z.string(), version: z.number().int(), created: z.boolean(), modelRef: ArtifactRefSchema }),
  needsStore: true,
  cacheable: false,
});
