import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { sqlIdentifier } from './duckdb';
import { isCategoricalType, isNumericType } from './columnTypes';

const NumericStats = z.object({
  min: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable(),
  stddev: z.number().nullable(),
  quantiles: z.object({ q05: z.number().nullable(), q25: z.number().nullable(), q50: z.number().nullable(), q75: z.number().nullable(), q95: z.number().nullable() }),
  /** NaN and +/-Infinity values, which the other statistics leave out. */
  nonFinite: z.number().int(),
});

export const ColumnProfileSchema = z.object({
  name: z.string(),
  type: z.string(),
  nulls: z.number().int(),
  distinct: z.number().int(),
  numeric: NumericStats.optional(),
  /** The most frequent values and their counts, for text and boolean columns (at most 20). */
  categories: z.array(z.object({ value: z.string(), count: z.number().int() })).optional(),
  /** The pipeline left this column's values out of the profile (ingest's redactProfile). */
  redacted: z.literal(true).optional(),
});

export const ProfileSchema = z.object({ rows: z.number().int(), columns: z.array(ColumnProfileSchema) });
export type Profile = z.infer<typeof ProfileSchema>;
export type ColumnProfile = z.infer<typeof ColumnProfileSchema>;

const finite = (value: unknown): number | null => {
  const n = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : value === null || value === undefined ? Number.NaN : Number(value);
  return Number.isFinite(n) ? n : null;
};

/** Profiles table `table`: rows; per column its type, nulls, distinct values, numeric statistics or top categories. */
export async function profileTable(connection: DuckDBConnection, table = 'data'): Promise<Profile> {
  const described = await connection.runAndReadAll(`DESCRIBE ${sqlIdentifier(table)}`);
  const columns = described.getRowObjectsJS().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  const rows = Number((await connection.runAndReadAll(`SELECT count(*) AS n FROM ${sqlIdentifier(table)}`)).getRowObjectsJS()[0]?.n ?? 0);
  const profiles: ColumnProfile[] = [];
  for (const column of columns) {
    const c = sqlIdentifier(column.name);
    const base = (await connection.runAndReadAll(`SELECT count(*) FILTER (WHERE ${c} IS NULL) AS nulls, approx_count_distinct(${c}) AS distinct FROM ${sqlIdentifier(table)}`)).getRowObjectsJS()[0] ?? {};
    const profile: ColumnProfile = { name: column.name, type: column.type, nulls: Number(base.nulls ?? 0), distinct: Number(base.distinct ?? 0) };
    if (isNumericType(column.type)) {
      const v = `${c}::DOUBLE`;
      const stats = (
        await connection.runAndReadAll(
          `SELECT min(${v}) FILTER (WHERE isfinite(${v})) AS min, max(${v}) FILTER (WHERE isfinite(${v})) AS max,
                  avg(${v}) FILTER (WHERE isfinite(${v})) AS mean, stddev_samp(${v}) FILTER (WHERE isfinite(${v})) AS stddev,
                  quantile_cont(${v}, [0.05, 0.25, 0.5, 0.75, 0.95]) FILTER (WHERE isfinite(${v})) AS q,
                  count(*) FILTER (WHERE ${c} IS NOT NULL AND NOT isfinite(${v})) AS non_finite
             FROM ${sqlIdentifier(table)}`,
        )
      ).getRowObjectsJS()[0] ?? {};
      const q = ((stats.q as { items?: unknown[] } | unknown[] | null) ?? []) as unknown[] | { items: unknown[] };
      const items = Array.isArray(q) ? q : q.items;
      profile.numeric = {
        min: finite(stats.min),
        max: finite(stats.max),
        mean: finite(stats.mean),
        stddev: finite(stats.stddev),
        quantiles: { q05: finite(items[0]), q25: finite(items[1]), q50: finite(items[2]), q75: finite(items[3]), q95: finite(items[4]) },
        nonFinite: Number(stats.non_finite ?? 0),
      };
    } else if (isCategoricalType(column.type)) {
      const top = await connection.runAndReadAll(
        `SELECT ${c}::VARCHAR AS value, count(*) AS n FROM ${sqlIdentifier(table)} WHERE ${c} IS NOT NULL GROUP BY 1 ORDER BY n DESC, value LIMIT 20`,
      );
      profile.categories = top.getRowObjectsJS().map((r) => ({ value: String(r.value), count: Number(r.n) }));
    }
    profiles.push(profile);
  }
  return { rows, columns: profiles };
}

/**
 * The profile with the values of `columns` left out (statistics and categories; name, type, nulls and
 * distinct count stay): what a viewer may read about a dataset is the pipeline's choice. `*` redacts all.
 */
export function redactProfile(profile: Profile, columns: readonly string[]): Profile {
  if (columns.length === 0) return profile;
  const all = columns.includes('*');
  return {
    ...profile,
    columns: profile.columns.map((column) => {
      if (!all && !columns.includes(column.name)) return column;
      const { numeric: _numeric, categories: _categories, ...kept } = column;
      return { ...kept, redacted: true };
    }),
  };
}
