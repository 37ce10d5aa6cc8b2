import type { Pool } from 'pg';
import { ConfigError } from '../errors';

export interface AliasMove {
  model: string;
  alias: string;
  version: number;
  previous: number | null;
  actor: string;
  reason: string;
  movedAt: string;
}

/**
 * Points an alias at a version and records the move (actor, reason) in the alias history, in one
 * transaction. Moving an alias to where it already points records nothing.
 */
export async function moveAlias(pool: Pool, move: { model: string; alias: string; version: number; actor: string; reason: string }): Promise<AliasMove | undefined> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const exists = await client.query('SELECT 1 FROM model_versions WHERE model = $1 AND version = $2', [move.model, move.version]);
    if (exists.rowCount === 0) throw new ConfigError(`model '${move.model}' has no version ${move.version}`);
    const current = await client.query<{ version: number }>('SELECT version FROM model_aliases WHERE model = $1 AND alias = $2 FOR UPDATE', [move.model, move.alias]);
    const previous = current.rows[0]?.version ?? null;
    if (previous === move.version) {
      await client.query('COMMIT');
      return undefined;
    }
    await client.query(
      `INSERT INTO model_aliases (model, alias, version) VALUES ($1, $2, $3)
       ON CONFLICT (model, alias) DO UPDATE SET version = EXCLUDED.version, updated_at = now()`,
      [move.model, move.alias, move.version],
    );
    const { rows } = await client.query<{ moved_at: Date }>(
      'INSERT INTO model_alias_history (model, alias, version, previous, actor, reason) VALUES ($1, $2, $3, $4, $5, $6) RETURNING moved_at',
      [move.model, move.alias, move.version, previous, move.actor, move.reason],
    );
    await client.query('COMMIT');
    return { ...move, previous, movedAt: (rows[0]?.moved_at as Date).toISOString() };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export async function aliasHistory(pool: Pool, model: string, alias: string): Promise<AliasMove[]> {
  const { rows } = await pool.query<{ version: number; previous: number | null; actor: string; reason: string; moved_at: Date }>(
    'SELECT version, previous, actor, reason, moved_at FROM model_alias_history WHERE model = $1 AND alias = $2 ORDER BY id DESC',
    [model, alias],
  );
  return rows.map((r) => ({ model, alias, version: r.version, previous: r.previous, actor: r.actor, reason: r.reason, movedAt: r.moved_at.toISOString() }));
}

/** Moves the alias back to the version it pointed at before its latest move. */
export async function rollbackAlias(pool: Pool, model: string, alias: string, actor: string, reason: string): Promise<AliasMove> {
  const [latest] = await aliasHistory(pool, model, alias);
  if (!latest) throw new ConfigError(`alias '${alias}' of model '${model}' has never moved: nothing to roll back to`);
  if (latest.previous === null) throw new ConfigError(`alias '${alias}' of model '${model}' pointed nowhere before version ${latest.version}: nothing to roll back to`);
  const moved = await moveAlias(pool, { model, alias, version: latest.previous, actor, reason: reason || `rollback from version ${latest.version}` });
  return moved as AliasMove;
}
