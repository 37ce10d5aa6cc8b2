/** A header field DuckDB read under another name: one given twice (`x`, then `x_1`) or none (`column2`). */
export interface RenamedColumn {
  /** 1-based, in the header's order. */
  position: number;
  /** As the file writes it ('' for no name). */
  header: string;
  /** As the dataset names it, and so training, serving and contracts. */
  column: string;
}

/**
 * The header fields of a CSV (as the file writes them) that the loaded `columns` name otherwise.
 * DuckDB renames a repeated name and fills in an empty one, silently: a model then wants a feature
 * `x_1` that no request names, and a contract on `x` checks the first column only.
 */
export function renamedColumns(header: string[], columns: string[]): RenamedColumn[] {
  return columns.flatMap((column, i) => (header[i] !== undefined && header[i] !== column ? [{ position: i + 1, header: header[i] as string, column }] : []));
}

/** The renames in words, for ingest's log: `column 2 is named 'x' like an earlier one: read as x_1`. */
export function renamedText(renamed: RenamedColumn[]): string {
  return renamed.map((r) => `column ${r.position} ${r.header === '' ? 'has no name' : `is named '${r.header}' like an earlier one`}: read as ${r.column}`).join('; ');
}
