import { withTransaction } from '../store/withTransaction';
import type { Pool } from 'pg';
import { ConfigError } from '../errors';
import { ALIAS_CHANNEL } from '../serving/aliasNotifications';

export interface AliasMove {
  model: string;
  alias: string;
  version: number;
  previous: number | null;
  /** Share of the default traffic (canary aliases); null for an alias served only when asked for. */
  weight: number | null;
  actor: string;
  reason: string;
  movedAt: string;
}

export interface MoveRequest {
  model: string;
  alias: string;
  version: number;
  /** Traffic share for a canary alias (0 turns the split off); omitted keeps the alias's current weight. */
  weight?: number | null;
  actor: string;
  reason: string;
}

/**
 * Points an alias at a version (and sets its traffic weight) and records the move (actor, reason) in
 * the alias history, in one transaction. A move that changes nothing records nothing.
 */
export async function moveAlias(pool: Pool, request: MoveRequest): Promise<AliasMove | undefined> {
  const { weight: requestedWeight, ...move } = request;
  return withTransaction(pool, async (client) => {
    const exists = await client.query('SELECT 1 FROM model_versions WHERE model = $1 AND version = $2', [move.model, move.version]);
    if (exists.rowCount === 0) throw new ConfigError(`model '${move.model}' has no version ${move.version}`);
    const current = await client.query<{ version: number; traffic_weight: number | null }>(
      'SELECT version, traffic_weight FROM model_aliases WHERE model = $1 AND alias = $2 FOR UPDATE',
      [move.model, move.alias],
    );
    const previous = current.rows[0]?.version ?? null;
    const weight = requestedWeight === undefined ? (current.rows[0]?.traffic_weight ?? null) : requestedWeight;
    if (previous === move.version && weight === (current.rows[0]?.traffic_weight ?? null)) {
      return undefined;
    }
    await client.query(
      `INSERT INTO model_aliases (model, alias, version, traffic_weight) VALUES ($1, $2, $3, $4)
       ON CONFLICT (model, alias) DO UPDATE SET version = EXCLUDED.version, traffic_weight = EXCLUDED.traffic_weight, updated_at = now()`,
      [move.model, move.alias, move.version, weight],
    );
    const { rows } = await client.query<{ moved_at: Date }>(
      'INSERT INTO model_alias_history (model, alias, version, previous, traffic_weight, actor, reason) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING moved_at',
      [move.model, move.alias, move.version, previous, weight, move.actor, move.reason],
    );
    // Delivered on commit to every API process listening (lib/serving/aliasNotifications.ts).
    await client.query('SELECT pg_notify($1, $2)', [ALIAS_CHANNEL, `${move.model}/${move.alias}`]);
    return { ...move, previous, weight, movedAt: (rows[0]?.moved_at as Date).toISOString() };
  });
}

export async function aliasHistory(pool: Pool, model: string, alias: string): Promise<AliasMove[]> {
  const { rows } = await pool.query<{ version: number; previous: number | null; traffic_weight: number | null; actor: string; reason: string; moved_at: Date }>(
    'SELECT version, previous, traffic_weight, actor, reason, moved_at FROM model_alias_history WHERE model = $1 AND alias = $2 ORDER BY id DESC',
    [model, alias],
  );
  return rows.map((r) => ({ model, alias, version: r.version, previous: r.previous, weight: r.traffic_weight, actor: r.actor, reason: r.reason, movedAt: r.moved_at.toISOString() }));
}

/** Moves the alias back to the version it pointed at before its latest move. */
export async function rollbackAlias(pool: Pool, model: string, alias: string, actor: string, reason: string): Promise<AliasMove> {
  const [latest] = await aliasHistory(pool, model, alias);
  if (!latest) throw new ConfigError(`alias '${alias}' of model '${model}' has never moved: nothing to roll back to`);
  if (latest.previous === null) throw new ConfigError(`alias '${alias}' of model '${model}' pointed nowhere before version ${latest.version}: nothing to roll back to`);
  const moved = await moveAlias(pool, { model, alias, version: latest.previous, actor, reason: reason || `rollback from version ${latest.version}` });
  return moved as AliasMove;
}
