import type { Pool } from 'pg';
import { hashKey, newApiKey, type ApiRole } from '../auth/apiKeys';
import { withTransaction } from './withTransaction';

export interface StoredApiKey {
  id: string;
  name: string;
  role: ApiRole;
  sha256: string;
  createdAt: string;
}

/** Creates a key; the key itself is returned once and never stored. */
export async function createApiKey(pool: Pool, role: ApiRole, name: string): Promise<{ id: string; key: string; role: ApiRole; name: string }> {
  const { id, key } = newApiKey();
  await pool.query('INSERT INTO api_keys (id, name, role, key_sha256) VALUES ($1, $2, $3, $4)', [id, name, role, hashKey(key)]);
  return { id, key, role, name };
}

export async function listApiKeys(pool: Pool): Promise<StoredApiKey[]> {
  const { rows } = await pool.query<{ id: string; name: string; role: ApiRole; key_sha256: string; created_at: Date }>(
    'SELECT id, name, role, key_sha256, created_at FROM api_keys WHERE revoked_at IS NULL ORDER BY created_at',
  );
  return rows.map((r) => ({ id: r.id, name: r.name, role: r.role, sha256: r.key_sha256, createdAt: r.created_at.toISOString() }));
}

/**
 * Revokes a key: 'revoked', 'not-found' (no such active key), or 'last-admin' when `keepAnAdmin` and
 * it is the last active admin key while other keys remain (they would still be required, and no one
 * could create, revoke or promote with them). Revoking the very last key returns the API to having
 * none (open on loopback only). The active keys are locked first, so two admins revoking each other
 * at once cannot both succeed.
 */
export async function revokeApiKey(pool: Pool, id: string, options: { keepAnAdmin: boolean }): Promise<'revoked' | 'not-found' | 'last-admin'> {
  return withTransaction(pool, async (client) => {
    const { rows: active } = await client.query<{ id: string; role: ApiRole }>('SELECT id, role FROM api_keys WHERE revoked_at IS NULL ORDER BY id FOR UPDATE');
    const key = active.find((k) => k.id === id);
    if (!key) return 'not-found';
    const others = active.filter((k) => k.id !== id);
    if (options.keepAnAdmin && key.role === 'admin' && others.length > 0 && !others.some((k) => k.role === 'admin')) return 'last-admin';
    await client.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [id]);
    return 'revoked';
  });
}
