/**
 * DuckDB's column types as Cairn's data code reads them (DESCRIBE's `column_type`). Each pattern
 * names a whole type: a list (`BIGINT[]`), a struct or a map of numbers is not a number, and a
 * profile, a trainer or a drift check that took one for a number failed on DuckDB's cast.
 */
const INTEGER = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;
const FRACTIONAL = /^(FLOAT|DOUBLE|DECIMAL\(\d+,\s*\d+\))$/;
/** Text, booleans and enums (`ENUM('a', 'b')`, but not a list of them). */
const CATEGORY = /^(VARCHAR|BOOLEAN|ENUM\(.*\))$/;
const DATE = /^(DATE|TIMESTAMP|TIMESTAMP_S|TIMESTAMP_MS|TIMESTAMP_NS|TIMESTAMP WITH TIME ZONE)$/;

export const isNumericType = (type: string): boolean => INTEGER.test(type) || FRACTIONAL.test(type);
export const isIntegerType = (type: string): boolean => INTEGER.test(type);
export const isCategoricalType = (type: string): boolean => CATEGORY.test(type);
export const isDateType = (type: string): boolean => DATE.test(type);

/** How a column can be a model's feature (or a drift sample): a number, a category, or not at all. */
export function featureKindOf(type: string): 'numeric' | 'categorical' | undefined {
  return isNumericType(type) ? 'numeric' : isCategoricalType(type) ? 'categorical' : undefined;
}
