import { RunKeySchema } from '../../lib/ids';
import { z } from 'zod';
import { issuerOf } from '../security/runIssuer';
import { deliverEvent, subscriptions } from '../../lib/events/deliverEvent';
import type { AppDeps } from '../deps';
import { HttpError } from '../httpErrors';
import { EventName } from '../pathParams';
import { EventDeliverySchema } from '../responses/events';
import { defineRoute } from '../routeDef';

const EventBody = z.strictObject({
  /** The sender's id for this event: a repeated delivery with the same id starts nothing new. */
  id: RunKeySchema,
  payload: z.unknown().optional(),
});

/** POST /api/v1/events/:name starts every pipeline subscribed with onEvent(name), once per event id. */
export function eventRoutes(deps: AppDeps) {
  return [
    defineRoute({
      method: 'POST',
      path: '/api/v1/events/:name',
      access: 'operator',
      rateLimited: true,
      summary: 'Deliver an event: starts every subscribed pipeline once per event id',
      params: z.object({ name: EventName }),
      body: EventBody,
      response: EventDeliverySchema,
      status: 201,
      responses: { 201: 'runs started', 200: 'every run already existed for this event id', 404: 'no pipeline listens to this event', 422: 'the payload makes bad params' },
      handler: async (c, { params: { name }, body }) => {
        const known = subscriptions(deps.registry);
        if (!known[name]) {
          throw new HttpError(404, 'event_not_found', `no pipeline listens to '${name}'; events: ${Object.keys(known).join(', ') || '(none)'}`);
        }
        const delivery = await deliverEvent(deps.client, deps.registry, deps.taskQueue, { event: name, eventId: body.id, payload: body.payload }, issuerOf(c, deps));
        return c.json(delivery, delivery.started.length > 0 ? 201 : 200);
      },
    }),
  ] as const;
}
