import { z } from 'zod';
import { aliasHistory, moveAlias, rollbackAlias } from '../../lib/registry/aliases';
import type { AppDeps } from '../deps';
import { storePool } from '../requireStore';
import { AliasHistorySchema, AliasMoveSchema, AliasMovedSchema } from '../responses/models';
import { defineRoute } from '../routeDef';
import { aliasMoveEvent, announceFromClient } from '../../lib/notifications/announceFromClient';
import { AliasNameSchema, ModelNameSchema, ModelVersionNumber } from '../../lib/registry/names';

/** Aliases: move one (with a canary traffic weight), its history, and rollback. */
export function aliasRoutes(deps: AppDeps) {
  const actor = (keyId: unknown) => `api key ${String(keyId)}`;
  return [
    defineRoute({
      method: 'PUT',
      path: '/api/v1/models/:name/aliases/:alias',
      access: 'admin',
      summary: 'Point an alias at a version; on the canary alias, weight (0-1) is its share of the requests that name no alias (another alias takes no weight)',
      params: z.object({ name: ModelNameSchema, alias: AliasNameSchema }),
      body: z.strictObject({ version: ModelVersionNumber, weight: z.number().min(0).max(1).nullable().optional(), reason: z.string().max(500).optional() }),
      response: AliasMovedSchema,
      responses: { 200: 'the move (moved: false when nothing changed)', 422: 'no such version, or a weight on an alias other than canary' },
      handler: async (c, { params: { name, alias }, body }) => {
        const moved = await moveAlias(storePool(deps), { model: name, alias, version: body.version, weight: body.weight, actor: actor(c.get('apiKeyId')), reason: body.reason ?? '' });
        if (moved) announceFromClient(deps.client, deps.taskQueue, aliasMoveEvent(moved, 'model.promoted'));
        return c.json({ model: name, alias, version: body.version, moved: moved !== undefined, ...(moved ? { previous: moved.previous, weight: moved.weight } : {}) });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/models/:name/aliases/:alias/history',
      access: 'viewer',
      summary: "An alias's moves: version, previous version, traffic weight, who or what, why, when",
      params: z.object({ name: ModelNameSchema, alias: AliasNameSchema }),
      response: AliasHistorySchema,
      responses: { 200: 'the history, newest first' },
      handler: async (c, { params: { name, alias } }) => c.json({ model: name, alias, history: await aliasHistory(storePool(deps), name, alias) }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/models/:name/aliases/:alias/rollback',
      access: 'admin',
      summary: 'Move an alias back one deploy: to the version it served before its current one (again: one deploy further back)',
      params: z.object({ name: ModelNameSchema, alias: AliasNameSchema }),
      body: z.strictObject({ reason: z.string().max(500).optional() }),
      response: AliasMoveSchema,
      responses: { 200: 'the move', 422: 'nothing to roll back to' },
      handler: async (c, { params: { name, alias }, body: { reason } }) => {
        const moved = await rollbackAlias(storePool(deps), name, alias, actor(c.get('apiKeyId')), reason ?? '');
        announceFromClient(deps.client, deps.taskQueue, aliasMoveEvent(moved, 'model.rolled_back'));
        return c.json(moved);
      },
    }),
  ] as const;
}
