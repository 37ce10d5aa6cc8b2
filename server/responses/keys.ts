import { z } from 'zod';
import { API_ROLES } from '../../lib/auth/apiKeys';

const KeyInfoSchema = z.object({ id: z.string(), name: z.string(), role: z.enum(API_ROLES), createdAt: z.string() });

export const KeyListSchema = z.object({ keys: z.array(KeyInfoSchema) });

/** The key itself is in this answer and nowhere else. */
export const CreatedKeySchema = z.object({ id: z.string(), key: z.string(), role: z.enum(API_ROLES), name: z.string() });

export const RevokedKeySchema = z.object({ id: z.string(), revoked: z.literal(true) });
