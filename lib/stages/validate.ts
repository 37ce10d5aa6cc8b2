import { z } from 'zod';
import { ArtifactRefSchema } from '../artifacts/artifactRef';
import { ContractSchema } from '../data/contract';
import { DistributionCheckSchema } from '../data/distributionChecks';
import { defineStageContract } from './contract';

export const validateStage = defineStageContract({
  name: 'validate',
  summary: "Checks the upstream dataset against the pipeline's data contract (and optionally its distribution against a reference); past the tolerance the step fails naming columns, rules and rows.",
  config: z.strictObject({
    contract: ContractSchema,
    /** Distribution checks against a reference dataset's profile (needs the metadata store). */
    distribution: DistributionCheckSchema.optional(),
    /** The upstream step whose output holds the `dataset` to check; default: the only upstream step. */
    from: z.string().optional(),
  }),
  output: z.object({
    dataset: ArtifactRefSchema,
    report: ArtifactRefSchema,
    rows: z.number().int(),
    invalidRows: z.number().int(),
    invalidFraction: z.number(),
    passed: z.literal(true),
  }),
  needsStore: false,
  cacheable: true,
});
