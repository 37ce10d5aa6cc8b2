import { z } from 'zod';
import { getVersion, listModels, listVersions } from '../../lib/registry/registry';
import type { AppDeps } from '../deps';
import { HttpError } from '../httpErrors';
import { storePool } from '../requireStore';
import { ModelNameSchema, ModelVersionParam } from '../../lib/registry/names';
import { ModelCardAnswerSchema, ModelListSchema, ModelVersionSchema, ModelVersionsSchema } from '../responses/models';
import { currentModelCard } from '../../lib/cards/modelCard';
import { modelCardMarkdown } from '../../lib/cards/modelCardMarkdown';
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
    defineRoute({
      method: 'GET',
      path: '/api/v1/models/:name/versions/:version/card',
      access: 'viewer',
      summary: "A version's model card (JSON and Markdown): details, intended use, factors, metrics, evaluation and training data, caveats, promotions and drift to date; ?as=registered for the card as it was registered",
      params: z.object({ name: ModelNameSchema, version: ModelVersionParam }),
      query: z.strictObject({ as: z.enum(['current', 'registered']).default('current') }),
      response: ModelCardAnswerSchema,
      responses: { 200: 'the card', 404: 'no such version, or no card was registered with it (or this API has no artifact store to read it from)', 503: 'no metadata store configured' },
      handler: async (c, { params: { name, version }, query }) => {
        const found = await currentModelCard(pool(), deps.artifacts, name, version);
        if (!found) throw new HttpError(404, 'version_not_found', `model '${name}' has no version ${version}`);
        const card = query.as === 'registered' ? found.asRegistered : found.card;
        if (!card) throw new HttpError(404, 'card_not_found', `model '${name}' version ${version} has no card as registered here: it was registered without one (before cards existed, or not by a register step), or this API has no artifact store (CAIRN_ARTIFACTS_DIR)`);
        return c.json({ card, markdown: modelCardMarkdown(card) });
      },
    }),
  ] as const;
}
