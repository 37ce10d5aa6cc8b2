import { Hono } from 'hono';
import { z } from 'zod';
import { deliverEvent, subscriptions } from '../../lib/events/deliverEvent';
import type { AppDeps } from '../deps';
import { HttpError } from '../httpErrors';
import { jsonBody } from '../validate';

const EventBody = z.strictObject({
  /** The sender's id for this event: a repeated delivery with the same id starts nothing new. */
  id: z.string().regex(/^[\w.-]{1,100}$/, 'letters, digits, dot, dash, underscore (1-100)'),
  payload: z.unknown().optional(),
});

/** POST /api/v1/events/:name starts every pipeline subscribed with onEvent(name), once per event id. */
export function eventRoutes(deps: AppDeps) {
  return new Hono().post('/:name', async (c) => {
    const name = c.req.param('name');
    const known = subscriptions(deps.registry);
    if (!known[name]) {
      throw new HttpError(404, 'event_not_found', `no pipeline listens to '${name}'; events: ${Object.keys(known).join(', ') || '(none)'}`);
    }
    const body = await jsonBody(c, EventBody);
    const delivery = await deliverEvent(deps.client, deps.registry, deps.taskQueue, { event: name, eventId: body.id, payload: body.payload });
    return c.json(delivery, delivery.started.length > 0 ? 201 : 200);
  });
}
