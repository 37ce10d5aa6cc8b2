import { withTransaction } from '../store/withTransaction';
import type { Pool, PoolClient } from 'pg';
import type { z } from 'zod';
import type { AliasMoveSchema } from './aliasMove';
import { ConfigError } from '../errors';
import { ALIAS_CHANNEL } from '../serving/aliasNotifications';
import { CANARY_ALIAS, weightOnlyOnCanary } from '../serving/trafficSplit';
import { getVersion, versionExists, type ModelVersion } from './registry';
import { rollbackTarget } from './rollbackTarget';

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
  return withTransaction(pool, (client) => moveAliasIn(client, request, false));
}

/** moveAlias inside a caller's transaction; `rollback` marks the move as one in the history. */
async function moveAliasIn(client: PoolClient, request: MoveRequest, rollback: boolean): Promise<AliasMove | undefined> {
  const { weight: requestedWeight, ...move } = request;
  // Serving splits the default traffic with the canary alias alone: a weight elsewhere would be stored and never used.
  if (typeof requestedWeight === 'number' && move.alias !== CANARY_ALIAS) throw new ConfigError(weightOnlyOnCanary(move.alias));
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
    'INSERT INTO model_alias_history (model, alias, version, previous, traffic_weight, actor, reason, rollback) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING moved_at',
    [move.model, move.alias, move.version, previous, weight, move.actor, move.reason, rollback],
  );
  // Delivered on commit to every API process listening (lib/serving/aliasNotifications.ts).
  await client.query('SELECT pg_notify($1, $2)', [ALIAS_CHANNEL, `${move.model}/${move.alias}`]);
  return { ...move, previous, weight, rollback, movedAt: (rows[0]?.moved_at as Date).toISOString() };
}

type HistoryRow = { alias: string; version: number; previous: number | null; traffic_weight: number | null; actor: string; reason: string; rollback: boolean; moved_at: Date };
const HISTORY_COLUMNS = 'alias, version, previous, traffic_weight, actor, reason, rollback, moved_at';
const toMove = (model: string, r: HistoryRow): AliasMove => ({ model, alias: r.alias, version: r.version, previous: r.previous, weight: r.traffic_weight, actor: r.actor, reason: r.reason, rollback: r.rollback, movedAt: r.moved_at.toISOString() });

export async function aliasHistory(pool: Pool | PoolClient, model: string, alias: string): Promise<AliasMove[]> {
  const { rows } = await pool.query<HistoryRow>(`SELECT ${HISTORY_COLUMNS} FROM model_alias_history WHERE model = $1 AND alias = $2 ORDER BY id DESC`, [model, alias]);
  return rows.map((r) => toMove(model, r));
}

/** Every move of any of the model's aliases to or away from a version, oldest first (who promoted it, who replaced it). */
export async function versionAliasMoves(pool: Pool, model: string, version: number): Promise<AliasMove[]> {
  const { rows } = await pool.query<HistoryRow>(`SELECT ${HISTORY_COLUMNS} FROM model_alias_history WHERE model = $1 AND (version = $2 OR previous = $2) ORDER BY id`, [model, version]);
  return rows.map((r) => toMove(model, r));
}

/**
 * Moves the alias back to the version it served before the deploy that brought its current one; a
 * second rollback goes one deploy further back (never to the version the first rolled back from).
 * The alias row is locked while the history is read: two rollbacks at once go back two deploys,
 * one after the other, rather than both deciding from the same history.
 */
export async function rollbackAlias(pool: Pool, model: string, alias: string, actor: string, reason: string): Promise<AliasMove> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT 1 FROM model_aliases WHERE model = $1 AND alias = $2 FOR UPDATE', [model, alias]);
    const history = await aliasHistory(client, model, alias);
    const current = history[0];
    if (!current) throw new ConfigError(`alias '${alias}' of model '${model}' has never moved: nothing to roll back to`);
    const target = rollbackTarget(history);
    if (target === undefined) throw new ConfigError(`alias '${alias}' of model '${model}' is at version ${current.version}, the first version it served: nothing to roll back to`);
    const moved = await moveAliasIn(client, { model, alias, version: target, actor, reason: reason || `rollback from version ${current.version}` }, true);
    return moved as AliasMove;
  });
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
