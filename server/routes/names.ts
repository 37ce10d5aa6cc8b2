import { z } from 'zod';

export const ModelName = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'model names are lower-case letters, digits and dashes');
export const AliasName = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'aliases are lower-case letters, digits and dashes');
