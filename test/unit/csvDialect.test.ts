import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sniffCsvDialect } from '../../lib/data/csvDialect';

// What ingest and `cairn drift` promise about a CSV they are not told the dialect of (README, ingest):
// the delimiter that splits every line alike, the most fields winning; decimal commas only where
// commas cannot be the delimiter and no decimal point is written.

const dir = mkdtempSync(join(tmpdir(), 'cairn-dialect-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('CSV dialect sniffing', () => {
  it('finds the delimiter behind a byte-order mark and quoted fields holding other candidates', async () => {
    expect(await sniffCsvDialect(file('bom.csv', '\uFEFFa;b;c\n"1,2|3";4;5\n'))).toEqual({ delimiter: ';', decimalSeparator: '.' });
    expect(await sniffCsvDialect(file('quoted.csv', 'a,b\n"x;y;z",1\n"p\tq",2\n'))).toEqual({ delimiter: ',', decimalSeparator: '.' });
    expect(await sniffCsvDialect(file('pipes.csv', 'a|b|c\n1|2|3\n'))).toEqual({ delimiter: '|', decimalSeparator: '.' });
  });

  it('reads decimal commas only in a file that never writes a decimal point', async () => {
    expect(await sniffCsvDialect(file('comma-decimals.csv', 'a;b\n1,5;x\n2;y\n'))).toEqual({ delimiter: ';', decimalSeparator: ',' });
    expect(await sniffCsvDialect(file('mixed.csv', 'a;b\n1,5;x\n2.5;y\n'))).toEqual({ delimiter: ';', decimalSeparator: '.' });
    expect(await sniffCsvDialect(file('text.csv', 'a;b\n"1,5 m";x\n'))).toEqual({ delimiter: ';', decimalSeparator: '.' });
  });

  it('falls back to commas (tabs for .tsv) when no candidate splits every line alike', async () => {
    expect(await sniffCsvDialect(file('ragged.csv', 'a,b\n1,2,3\n'))).toEqual({ delimiter: ',', decimalSeparator: '.' });
    expect(await sniffCsvDialect(file('one.tsv', 'value\n1\n'))).toEqual({ delimiter: '\t', decimalSeparator: '.' });
  });

  it('looks at whole lines at the head of a large file, however its last sampled line is cut', async () => {
    const row = `${'x'.repeat(1_000)};1,25\n`; // 100 lines are more than the 64 KiB sampled
    const path = file('large.csv', `name;value\n${row.repeat(5_000)}`);
    expect(await sniffCsvDialect(path)).toEqual({ delimiter: ';', decimalSeparator: ',' });
  });

  it('keeps what is stated, and names a missing file or an impossible pair', async () => {
    expect(await sniffCsvDialect(file('stated.csv', 'a;b\n1,5;2\n'), { decimalSeparator: '.' })).toEqual({ delimiter: ';', decimalSeparator: '.' });
    await expect(sniffCsvDialect(join(dir, 'missing.csv'))).rejects.toThrow(/cannot read '.*missing\.csv': no such file/);
    await expect(sniffCsvDialect(file('pair.csv', 'a\n'), { delimiter: ',', decimalSeparator: ',' })).rejects.toThrow('a CSV delimited by commas cannot write decimals with a comma');
  });
});
