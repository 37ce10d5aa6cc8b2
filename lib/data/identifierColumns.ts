/**
 * Text columns that name rows rather than describe them: a customer id, an order number, a free-text
 * note. One-hot they teach a model nothing that holds for a new row (and a unique id on 100,000 rows
 * made the encoded matrix 100,000 x 100,000), and every new batch of data "drifts" in them.
 */

/** The most categories one text feature is encoded with by default (train's `maxCategories`). */
export const DEFAULT_MAX_CATEGORIES = 100;

export interface ValueCounts {
  /** Distinct non-missing values. */
  distinct: number;
  /** Non-missing values. */
  present: number;
}

/** More distinct values than a feature keeps categories, and at least one for every second row. */
export function looksLikeIdentifier({ distinct, present }: ValueCounts, maxCategories = DEFAULT_MAX_CATEGORIES): boolean {
  return distinct > maxCategories && distinct * 2 >= present;
}

/** Why such a column was left out, in the words the train step and `cairn drift` print. */
export function identifierNote({ distinct, present }: ValueCounts): string {
  return `looks like an identifier: ${distinct} distinct values in ${present} rows`;
}

/**
 * The names a column without a name gets: DuckDB's for an empty CSV header cell (`column0`), pandas'
 * when it reads one back (`Unnamed: 0`) and for an index it writes to Parquet (`__index_level_0__`).
 * `df.to_csv()` writes the index so by default: row numbers, which a model must not learn from (a
 * file sorted by class gives them away) and which no request to the served model could supply.
 */
const NAMELESS = /^(column\d+|Unnamed: \d+|__index_level_\d+__)$/;

export const isNameless = (name: string): boolean => NAMELESS.test(name);

/** A nameless column whose values are all there and all different: an index written with the data. */
export function looksLikeIndex(name: string, counts: ValueCounts, rows: number): boolean {
  return isNameless(name) && counts.present === rows && counts.distinct === rows;
}

export const INDEX_NOTE = "a column without a name holding a different whole number on every row: an index written with the data (pandas' to_csv writes one unless index=False)";
