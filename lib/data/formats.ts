import { z } from 'zod';

/** The tabular formats Cairn reads (DuckDB does the reading; this file holds schemas only, so contracts can import it). */
export const TABULAR_FORMATS = ['csv', 'parquet', 'jsonl', 'json'] as const;
export type TabularFormat = (typeof TABULAR_FORMATS)[number];

/** How a CSV file writes its fields and numbers; ingest sniffs what its config leaves out (lib/data/csvDialect). */
export const CsvDialectSchema = z.object({
  /** One character between fields: `,`, `;`, a tab, `|`, or any other but a quote or a line break. */
  delimiter: z
    .string()
    .length(1, 'a delimiter is one character')
    .refine((c) => c !== '"' && c !== '\n' && c !== '\r', 'a delimiter cannot be a double quote or a line break'),
  /** `,` for numbers written `1,5` (only in a file whose delimiter is not a comma). */
  decimalSeparator: z.enum(['.', ',']),
});
export type CsvDialect = z.output<typeof CsvDialectSchema>;
