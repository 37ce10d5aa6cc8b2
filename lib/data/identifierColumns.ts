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
