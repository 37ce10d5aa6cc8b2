import { z } from 'zod';
import { isDateType, isIntegerType, isNumericType } from './columnTypes';

export const COLUMN_TYPES = ['number', 'integer', 'string', 'boolean', 'date'] as const;

export const ColumnRuleSchema = z.strictObject({
  type: z.enum(COLUMN_TYPES),
  nullable: z.boolean().default(false),
  min: z.number().optional(),
  max: z.number().optional(),
  /** Allowed values of a string column. */
  allowed: z.array(z.string()).min(1).optional(),
  unique: z.boolean().default(false),
});

/** A data contract, declared in the pipeline: what every row and column must be. */
export const ContractSchema = z.strictObject({
  columns: z.record(z.string(), ColumnRuleSchema),
  rows: z.strictObject({ min: z.number().int().min(0).optional(), max: z.number().int().positive().optional() }).default({}),
  /** The fraction of rows that may break a row rule (nulls, ranges, categories) before the step fails. */
  maxInvalidFraction: z.number().min(0).max(1).default(0),
  /** Columns the contract does not name are allowed (default) or a violation. */
  allowExtraColumns: z.boolean().default(true),
});
export type Contract = z.output<typeof ContractSchema>;
/** A contract as a pipeline writes it (defaults may be left out). */
export type ContractInput = z.input<typeof ContractSchema>;
export type ColumnRule = z.output<typeof ColumnRuleSchema>;

const TYPE_CHECKS: Record<(typeof COLUMN_TYPES)[number], (duckdbType: string) => boolean> = {
  number: isNumericType,
  integer: isIntegerType,
  string: (type) => type === 'VARCHAR',
  boolean: (type) => type === 'BOOLEAN',
  date: isDateType,
};

export function typeMatches(rule: ColumnRule['type'], duckdbType: string): boolean {
  return TYPE_CHECKS[rule](duckdbType);
}
