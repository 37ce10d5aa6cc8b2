import { z } from 'zod';

/** One move of an alias, as the alias history records it. */
export const AliasMoveSchema = z.object({
  model: z.string(),
  alias: z.string(),
  version: z.number().int(),
  previous: z.number().int().nullable(),
  /** Share of the default traffic (canary aliases); null for an alias served only when asked for. */
  weight: z.number().nullable(),
  actor: z.string(),
  reason: z.string(),
  /** A rollback (it undid the move that brought `previous`), not a deploy. */
  rollback: z.boolean(),
  movedAt: z.string(),
});
