import { z } from 'zod';

export const EventDeliverySchema = z.object({
  event: z.string(),
  eventId: z.string(),
  /** Runs this delivery started. */
  started: z.array(z.object({ pipeline: z.string(), runId: z.string() })),
  /** Runs an earlier delivery of the same event id had already started. */
  duplicates: z.array(z.object({ pipeline: z.string(), runId: z.string() })),
});
