import type { Pool } from 'pg';
import { hashKey, newApiKey, type ApiRole } from '../auth/apiKeys';

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

/** Revokes a key; true if it existed and was active. */
export async function revokeApiKey(pool: Pool, id: string): Promise<boolean> {
  const result = await pool.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
  return (result.rowCount ?? 0) > 0;
}
