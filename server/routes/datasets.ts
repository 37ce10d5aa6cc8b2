import { z } from 'zod';
import type { Pool } from 'pg';
import { datasetProfile, resolveDatasetSha256 } from '../../lib/store/datasets';
import type { AppDeps } from '../deps';
import { HttpError } from '../httpErrors';
import { storePool } from '../requireStore';
import { DataCardAnswerSchema, DatasetProfileSchema } from '../responses/models';
import { dataCard } from '../../lib/cards/dataCard';
import { dataCardMarkdown } from '../../lib/cards/dataCardMarkdown';
import { defineRoute } from '../routeDef';

const Sha256Params = z.object({ sha256: z.string().regex(/^[0-9a-f]{8,64}$/, 'a dataset is named by its sha256 (64 lower-case hex digits) or its first 8 or more digits') });

/** The dataset a full hash or a prefix of one names (as `cairn status` shows it, 12 digits): 404 for none, 400 for several. */
async function datasetSha256(pool: Pool, given: string): Promise<string> {
  const found = await resolveDatasetSha256(pool, given);
  if ('sha256' in found) return found.sha256;
  if (found.matches.length === 0) throw new HttpError(404, 'dataset_not_found', `no dataset ${given}`);
  throw new HttpError(400, 'dataset_ambiguous', `${given} starts the sha256 of more than one dataset (${found.matches.map((sha) => sha.slice(0, 16)).join(', ')}...): give more digits`);
}

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
      responses: { 200: 'the profile', 400: 'a prefix of more than one dataset', 404: 'no such dataset', 503: 'no metadata store configured' },
      handler: async (c, { params }) => {
        const pool = storePool(deps);
        const sha256 = await datasetSha256(pool, params.sha256);
        const profile = await datasetProfile(pool, sha256);
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
      responses: { 200: 'the card', 400: 'a prefix of more than one dataset', 404: 'no such dataset', 503: 'no metadata store configured' },
      handler: async (c, { params }) => {
        const pool = storePool(deps);
        const sha256 = await datasetSha256(pool, params.sha256);
        const card = await dataCard(pool, deps.artifacts, sha256);
        if (!card) throw new HttpError(404, 'dataset_not_found', `no dataset ${sha256}`);
        return c.json({ card, markdown: dataCardMarkdown(card) });
      },
    }),
  ] as const;
}
