import { withTransaction } from '../store/withTransaction';
import type { Pool } from 'pg';
import type { z } from 'zod';
import type { AliasMoveSchema } from './aliasMove';
import { ConfigError } from '../errors';
import { ALIAS_CHANNEL } from '../serving/aliasNotifications';
import { getVersion, versionExists, type ModelVersion } from './registry';

export type AliasMove = z.infer<typeof AliasMoveSchema>;

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
    if (!(await versionExists(client, move.model, move.version))) throw new ConfigError(`model '${move.model}' has no version ${move.version}`);
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

/** Every move of any of the model's aliases to or away from a version, oldest first (who promoted it, who replaced it). */
export async function versionAliasMoves(pool: Pool, model: string, version: number): Promise<AliasMove[]> {
  const { rows } = await pool.query<{ alias: string; version: number; previous: number | null; traffic_weight: number | null; actor: string; reason: string; moved_at: Date }>(
    'SELECT alias, version, previous, traffic_weight, actor, reason, moved_at FROM model_alias_history WHERE model = $1 AND (version = $2 OR previous = $2) ORDER BY id',
    [model, version],
  );
  return rows.map((r) => ({ model, alias: r.alias, version: r.version, previous: r.previous, weight: r.traffic_weight, actor: r.actor, reason: r.reason, movedAt: r.moved_at.toISOString() }));
}

/** Moves the alias back to the version it pointed at before its latest move. */
export async function rollbackAlias(pool: Pool, model: string, alias: string, actor: string, reason: string): Promise<AliasMove> {
  const [latest] = await aliasHistory(pool, model, alias);
  if (!latest) throw new ConfigError(`alias '${alias}' of model '${model}' has never moved: nothing to roll back to`);
  if (latest.previous === null) throw new ConfigError(`alias '${alias}' of model '${model}' pointed nowhere before version ${latest.version}: nothing to roll back to`);
  const moved = await moveAlias(pool, { model, alias, version: latest.previous, actor, reason: reason || `rollback from version ${latest.version}` });
  return moved as AliasMove;
}

/** The version an alias points at, if any. */
export async function resolveAlias(pool: Pool, model: string, alias: string): Promise<ModelVersion | undefined> {
  const { rows } = await pool.query<{ version: number }>('SELECT version FROM model_aliases WHERE model = $1 AND alias = $2', [model, alias]);
  return rows[0] ? getVersion(pool, model, rows[0].version) : undefined;
}

/** What serving needs of an alias: the version, its model document's hash, and its canary weight. */
export async function aliasTarget(pool: Pool, model: string, alias: string): Promise<{ version: number; modelSha256: string; weight: number | null } | undefined> {
  const { rows } = await pool.query<{ version: number; model_sha256: string; traffic_weight: number | null }>(
    `SELECT a.version, v.model_sha256, a.traffic_weight FROM model_aliases a
       JOIN model_versions v ON v.model = a.model AND v.version = a.version
      WHERE a.model = $1 AND a.alias = $2`,
    [model, alias],
  );
  const row = rows[0];
  return row ? { version: row.version, modelSha256: row.model_sha256, weight: row.traffic_weight } : undefined;
}

/** When the alias last moved (drift compares only what was served since). */
export async function aliasLastMovedAt(pool: Pool, model: string, alias: string): Promise<Date | undefined> {
  const { rows } = await pool.query<{ moved_at: Date | null }>('SELECT max(moved_at) AS moved_at FROM model_alias_history WHERE model = $1 AND alias = $2', [model, alias]);
  return rows[0]?.moved_at ?? undefined;
}
