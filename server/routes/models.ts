import { z } from 'zod';
import { getVersion, listModels, listVersions } from '../../lib/registry/registry';
import type { AppDeps } from '../deps';
import { HttpError } from '../httpErrors';
import { storePool } from '../requireStore';
import { ModelNameSchema, ModelVersionParam } from '../../lib/registry/names';
import { ModelListSchema, ModelVersionSchema, ModelVersionsSchema } from '../responses/models';
import { defineRoute } from '../routeDef';

/** The model registry: models, versions with metrics and lineage, aliases. */
export function modelRoutes(deps: AppDeps) {
  const pool = () => storePool(deps);
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/models',
      access: 'viewer',
      summary: 'Registered models with their latest version and aliases',
      response: ModelListSchema,
      responses: { 200: 'the models', 503: 'no metadata store configured' },
      handler: async (c) => c.json({ models: await listModels(pool()) }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/models/:name/versions',
      access: 'viewer',
      summary: "A model's versions: metrics, params, lineage, aliases",
      params: z.object({ name: ModelNameSchema }),
      response: ModelVersionsSchema,
      responses: { 200: 'the versions', 404: 'no such model' },
      handler: async (c, { params: { name } }) => {
        const versions = await listVersions(pool(), name);
        if (versions.length === 0) throw new HttpError(404, 'model_not_found', `no model '${name}'`);
        return c.json({ model: name, versions });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/models/:name/versions/:version',
      access: 'viewer',
      summary: 'One model version',
      params: z.object({ name: ModelNameSchema, version: ModelVersionParam }),
      response: ModelVersionSchema,
      responses: { 200: 'the version', 404: 'no such version' },
      handler: async (c, { params: { name, version } }) => {
        const found = await getVersion(pool(), name, version);
        if (!found) throw new HttpError(404, 'version_not_found', `model '${name}' has no version ${version}`);
        return c.json(found);
      },
    }),
  ] as const;
}
