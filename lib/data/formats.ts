import { z } from 'zod';

/** The tabular formats Cairn reads (DuckDB does the reading; this file holds schemas only, so contracts can import it). */
export const TABULAR_FORMATS = ['csv', 'parquet', 'jsonl', 'json'] as const;
export type TabularFormat = (typeof TABULAR_FORMATS)[number];

/** Why `delimiter` cannot delimit a CSV's fields (lib/data/csvStructure reads them byte by byte), or undefined. */
export function delimiterProblem(delimiter: string): string | undefined {
  if (delimiter.length !== 1 || delimiter.charCodeAt(0) > 0x7f) return 'a delimiter is one ASCII character';
  if (delimiter === '"' || delimiter === '\n' || delimiter === '\r') return 'a delimiter cannot be a double quote or a line break';
  return undefined;
}

/** How a CSV file writes its fields and numbers; ingest sniffs what its config leaves out (lib/data/csvDialect). */
export const CsvDialectSchema = z.object({
  /** One ASCII character between fields: `,`, `;`, a tab, `|`, or any other but a quote or a line break. */
  delimiter: z.string().superRefine((delimiter, context) => {
    const problem = delimiterProblem(delimiter);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  }),
  /** `,` for numbers written `1,5` (only in a file whose delimiter is not a comma). */
  decimalSeparator: z.enum(['.', ',']),
});
export type CsvDialect = z.output<typeof CsvDialectSchema>;

/** Why a stated dialect cannot be, or undefined: decimals with a comma in a file delimited by commas. */
export function dialectProblem(dialect: Partial<CsvDialect>): string | undefined {
  return dialect.delimiter === ',' && dialect.decimalSeparator === ',' ? 'a CSV delimited by commas cannot write decimals with a comma' : undefined;
}
