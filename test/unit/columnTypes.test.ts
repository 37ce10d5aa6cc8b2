import { describe, expect, it } from 'vitest';
import { isCategoricalType, isDateType, isIntegerType, isNumericType } from '../../lib/data/columnTypes';

// How Cairn reads DuckDB's type names (profiles, training features, drift, data contracts): a whole
// type, never a prefix, so a list, a struct or a map of numbers is not a number.
const TABLE: [type: string, kind: 'integer' | 'number' | 'category' | 'date' | 'other'][] = [
  ['BIGINT', 'integer'],
  ['UHUGEINT', 'integer'],
  ['DOUBLE', 'number'],
  ['FLOAT', 'number'],
  ['DECIMAL(10,2)', 'number'],
  ['VARCHAR', 'category'],
  ['BOOLEAN', 'category'],
  ["ENUM('p', 'q')", 'category'],
  ['DATE', 'date'],
  ['TIMESTAMP WITH TIME ZONE', 'date'],
  ['TIMESTAMP_MS', 'date'],
  ['BIGINT[]', 'other'],
  ['DECIMAL(4,1)[]', 'other'],
  ['DOUBLE[3]', 'other'],
  ['VARCHAR[]', 'other'],
  ["ENUM('p', 'q')[]", 'other'],
  ['DATE[]', 'other'],
  ['STRUCT(a BIGINT)', 'other'],
  ['MAP(VARCHAR, BIGINT)', 'other'],
  ['INTERVAL', 'other'],
  ['BLOB', 'other'],
  ['UUID', 'other'],
];

describe('DuckDB column types', () => {
  it.each(TABLE)('%s is read as %s', (type, kind) => {
    expect(isIntegerType(type)).toBe(kind === 'integer');
    expect(isNumericType(type)).toBe(kind === 'integer' || kind === 'number');
    expect(isCategoricalType(type)).toBe(kind === 'category');
    expect(isDateType(type)).toBe(kind === 'date');
  });
});
