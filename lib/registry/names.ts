import { ID_PATTERNS } from '../ids';
import { z } from 'zod';

/** A registry model name: the same rule as the models table's CHECK constraint. */
export const ModelNameSchema = z.string().regex(ID_PATTERNS.pipeline, 'model names are lower-case letters, digits and dashes');
/** An alias name: the same rule as the model_aliases table's CHECK constraint. */
export const AliasNameSchema = z.string().regex(ID_PATTERNS.short, 'aliases are lower-case letters, digits and dashes');

/** The largest model version the registry can hold (model_versions.version is a PostgreSQL integer). */
export const MAX_MODEL_VERSION = 2_147_483_647;
/** A model version: a positive integer the database can hold, so a huge one is a 4xx, not an overflow. */
export const ModelVersionNumber = z.number().int().min(1).max(MAX_MODEL_VERSION);
/** The same, from a path or query string. */
export const ModelVersionParam = z.coerce.number().int().min(1).max(MAX_MODEL_VERSION);
