/** The tabular formats Cairn reads (DuckDB does the reading; this list has no code, so contracts can import it). */
export const TABULAR_FORMATS = ['csv', 'parquet', 'jsonl', 'json'] as const;
export type TabularFormat = (typeof TABULAR_FORMATS)[number];
