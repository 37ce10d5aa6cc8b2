import { z } from 'zod';

/** A registry model name: the same rule as the models table's CHECK constraint. */
export const ModelNameSchema = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'model names are lower-case letters, digits and dashes');
/** An alias name: the same rule as the model_aliases table's CHECK constraint. */
export const AliasNameSchema = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'aliases are lower-case letters, digits and dashes');
