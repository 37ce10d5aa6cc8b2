import { z } from 'zod';
import { API_ROLES } from '../../lib/auth/apiKeys';
import { createApiKey, listApiKeys, revokeApiKey } from '../../lib/store/apiKeysTable';
import type { AppDeps } from '../deps';
import { HttpError } from '../httpErrors';
import { KeyId } from '../pathParams';
import { storePool } from '../requireStore';
import { CreatedKeySchema, KeyListSchema, RevokedKeySchema } from '../responses/keys';
import { defineRoute } from '../routeDef';
import type { KeyRing } from '../security/keyRing';

const CreateKeyBody = z.strictObject({
  role: z.enum(API_ROLES),
  name: z.string().min(1).max(100).regex(/^[\w .@-]+$/, 'letters, digits, space, . @ _ -'),
});

/** API keys kept in the metadata store (admin only). The first key can be made while no key exists, on loopback. */
export function keyRoutes(deps: AppDeps, keyRing: KeyRing) {
  const pool = () => storePool(deps);
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/keys',
      access: 'admin',
      summary: 'Active API keys (never the keys themselves)',
      response: KeyListSchema,
      responses: { 200: 'the keys' },
      handler: async (c) => c.json({ keys: (await listApiKeys(pool())).map(({ sha256: _hash, ...key }) => key) }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/keys',
      access: 'admin',
      summary: 'Create an API key; the key is in this answer and nowhere else',
      body: CreateKeyBody,
      response: CreatedKeySchema,
      status: 201,
      responses: { 201: 'the new key', 422: 'a bad role or name' },
      handler: async (c, { body }) => {
        const created = await createApiKey(pool(), body.role, body.name);
        keyRing.invalidate();
        return c.json(created, 201);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/keys/:id',
      access: 'admin',
      summary: 'Revoke an API key',
      params: z.object({ id: KeyId }),
      response: RevokedKeySchema,
      responses: { 200: 'revoked', 404: 'no such active key', 409: 'the last admin key while other keys remain (and no admin key in CAIRN_API_KEYS)' },
      handler: async (c, { params: { id } }) => {
        // An admin key in the environment outlives every stored one: with none, the last stored admin key stays.
        const outcome = await revokeApiKey(pool(), id, { keepAnAdmin: !keyRing.hasEnvironmentAdmin() });
        if (outcome === 'not-found') throw new HttpError(404, 'key_not_found', `no active key '${id}'`);
        if (outcome === 'last-admin') {
          throw new HttpError(409, 'last_admin_key', `'${id}' is the last admin key and other keys remain: without it no one could manage keys, move aliases or approve steps; create another admin key first (cairn keys create --role admin), revoke the others first, or give the deployment one in CAIRN_API_KEYS`);
        }
        keyRing.invalidate();
        return c.json({ id, revoked: true });
      },
    }),
  ] as const;
}
