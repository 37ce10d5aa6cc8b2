import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdentifier, sqlString } from './duckdb';
import { typeMatches, type Contract } from './contract';

export interface Violation {
  column: string | null;
  rule: string;
  /** Rows breaking the rule (null for rules about the whole table or column). */
  rows: number | null;
  message: string;
  /** Up to five offending rows: their 1-based row number and value. */
  examples: { row: number; value: string | null }[];
}

export interface ContractReport {
  rows: number;
  invalidRows: number;
  invalidFraction: number;
  maxInvalidFraction: number;
  passed: boolean;
  violations: Violation[];
}

/**
 * Checks a table against a contract with one vectorised pass per rule kind in DuckDB. Column rules
 * (missing column, wrong type, duplicates, row count) fail outright; row rules (nulls, ranges,
 * categories, NaN/Infinity) fail once the fraction of bad rows passes maxInvalidFraction.
 */
export async function checkContract(connection: DuckDBConnection, table: string, contract: Contract): Promise<ContractReport> {
  const t = sqlIdentifier(table);
  const described = (await connection.runAndReadAll(`DESCRIBE ${t}`)).getRowObjectsJS();
  const types = new Map(described.map((r) => [String(r.column_name), String(r.column_type)]));
  const rows = Number((await connection.runAndReadAll(`SELECT count(*) AS n FROM ${t}`)).getRowObjectsJS()[0]?.n ?? 0);
  const violations: Violation[] = [];
  const fatal = (column: string | null, rule: string, message: string, count: number | null = null) => violations.push({ column, rule, rows: count, message, examples: [] });

  if (contract.rows.min !== undefined && rows < contract.rows.min) fatal(null, 'rows.min', `${rows} rows, fewer than ${contract.rows.min}`);
  if (contract.rows.max !== undefined && rows > contract.rows.max) fatal(null, 'rows.max', `${rows} rows, more than ${contract.rows.max}`);
  if (!contract.allowExtraColumns) {
    for (const name of types.keys()) if (!(name in contract.columns)) fatal(name, 'extra', `column '${name}' is not in the contract`);
  }

  /** Per-row conditions that make a row invalid, with the rule each one checks. */
  const rowRules: { column: string; rule: string; condition: string; describe: string }[] = [];
  for (const [name, rule] of Object.entries(contract.columns)) {
    const type = types.get(name);
    if (!type) {
      // The columns there are, so a misspelled name (Islnd for Island) is seen at once.
      const present = [...types.keys()];
      fatal(name, 'missing', `column '${name}' is missing (the data has ${present.slice(0, 20).join(', ')}${present.length > 20 ? `, and ${present.length - 20} more` : ''})`);
      continue;
    }
    if (!typeMatches(rule.type, type)) {
      fatal(name, 'type', `column '${name}' is ${type}, not ${rule.type}`);
      continue;
    }
    const c = sqlIdentifier(name);
    if (!rule.nullable) rowRules.push({ column: name, rule: 'nullable', condition: `${c} IS NULL`, describe: 'is null' });
    if (rule.type === 'number' || rule.type === 'integer') {
      rowRules.push({ column: name, rule: 'finite', condition: `NOT isfinite(${c}::DOUBLE)`, describe: 'is NaN or Infinity' });
      if (rule.min !== undefined) rowRules.push({ column: name, rule: 'min', condition: `${c} < ${rule.min}`, describe: `is below min ${rule.min}` });
      if (rule.max !== undefined) rowRules.push({ column: name, rule: 'max', condition: `${c} > ${rule.max}`, describe: `is above max ${rule.max}` });
    }
    if (rule.allowed) {
      rowRules.push({ column: name, rule: 'allowed', condition: `${c} NOT IN (${rule.allowed.map(sqlString).join(', ')})`, describe: `is not one of ${rule.allowed.join(', ')}` });
    }
    if (rule.unique) {
      const duplicates = Number((await connection.runAndReadAll(`SELECT count(${c}) - count(DISTINCT ${c}) AS n FROM ${t}`)).getRowObjectsJS()[0]?.n ?? 0);
      if (duplicates > 0) fatal(name, 'unique', `column '${name}' has ${duplicates} duplicate values`, duplicates);
    }
  }

  let invalidRows = 0;
  if (rowRules.length > 0 && rows > 0) {
    // One scan counts every rule and the rows breaking any rule (a NULL condition counts as not broken).
    const counts = rowRules.map((r, i) => `count(*) FILTER (WHERE coalesce(${r.condition}, false)) AS r${i}`);
    const any = rowRules.map((r) => `coalesce(${r.condition}, false)`).join(' OR ');
    const result = (await connection.runAndReadAll(`SELECT ${counts.join(', ')}, count(*) FILTER (WHERE ${any}) AS invalid FROM ${t}`)).getRowObjectsJS()[0] ?? {};
    invalidRows = Number(result.invalid ?? 0);
    for (const [i, r] of rowRules.entries()) {
      const count = Number(result[`r${i}`] ?? 0);
      if (count === 0) continue;
      const examples = (
        await connection.runAndReadAll(
          `SELECT row_number, value FROM (SELECT row_number() OVER () AS row_number, ${sqlIdentifier(r.column)}::VARCHAR AS value, coalesce(${r.condition}, false) AS bad FROM ${t}) WHERE bad ORDER BY row_number LIMIT 5`,
        )
      ).getRowObjectsJS();
      violations.push({
        column: r.column,
        rule: r.rule,
        rows: count,
        message: `column '${r.column}': ${count} rows where it ${r.describe}`,
        examples: examples.map((e) => ({ row: Number(e.row_number), value: e.value === null ? null : String(e.value) })),
      });
    }
  }
  const invalidFraction = rows === 0 ? 0 : invalidRows / rows;
  const fatalBroken = violations.some((v) => ['missing', 'type', 'unique', 'rows.min', 'rows.max', 'extra'].includes(v.rule));
  return { rows, invalidRows, invalidFraction, maxInvalidFraction: contract.maxInvalidFraction, passed: !fatalBroken && invalidFraction <= contract.maxInvalidFraction, violations };
}
