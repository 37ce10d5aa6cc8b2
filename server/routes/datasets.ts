import { z } from 'zod';
import { datasetProfile } from '../../lib/store/datasets';
import type { AppDeps } from '../deps';
import { HttpError } from '../httpErrors';
import { storePool } from '../requireStore';
import { DataCardAnswerSchema, DatasetProfileSchema } from '../responses/models';
import { dataCard } from '../../lib/cards/dataCard';
import { dataCardMarkdown } from '../../lib/cards/dataCardMarkdown';
import { defineRoute } from '../routeDef';

const Sha256Params = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 is 64 lower-case hex digits') });

/** Datasets that ingest produced, by the sha256 of their Parquet artifact. */
export function datasetRoutes(deps: AppDeps) {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/datasets/:sha256/profile',
      access: 'viewer',
      summary: "A dataset's profile: rows; per column type, nulls, distinct values, statistics or categories",
      params: Sha256Params,
      response: DatasetProfileSchema,
      responses: { 200: 'the profile', 404: 'no such dataset', 503: 'no metadata store configured' },
      handler: async (c, { params: { sha256 } }) => {
        const profile = await datasetProfile(storePool(deps), sha256);
        if (!profile) throw new HttpError(404, 'dataset_not_found', `no dataset ${sha256}`);
        return c.json({ sha256, profile });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/datasets/:sha256/card',
      access: 'viewer',
      summary: "A dataset's card (JSON and Markdown): source, profile, validations with their contracts, the model versions trained on it",
      params: Sha256Params,
      response: DataCardAnswerSchema,
      responses: { 200: 'the card', 404: 'no such dataset', 503: 'no metadata store configured' },
      handler: async (c, { params: { sha256 } }) => {
        const card = await dataCard(storePool(deps), deps.artifacts, sha256);
        if (!card) throw new HttpError(404, 'dataset_not_found', `no dataset ${sha256}`);
        return c.json({ card, markdown: dataCardMarkdown(card) });
      },
    }),
  ] as const;
}
