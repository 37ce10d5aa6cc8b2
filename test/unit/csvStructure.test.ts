import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { StructureScanner } from '../../lib/data/csvStructure';
import { seededRandom } from '../../lib/seededRandom';

// The structure check promises the rules csv-parse applied before it (strict record width, quotes
// closed, no stray quote, empty lines skipped, a byte-order mark dropped): checked against csv-parse
// itself, the outside reference, on thousands of generated files fed in pieces of every size, so a
// record, a quote or a CRLF split across two reads is read as in one.

/** Records and columns by the scanner, or its error; `pieces` splits the bytes at random points. */
function scanned(text: string, delimiter: string, random: () => number): { records: number; columns: number } | Error {
  const bytes = Buffer.from(text);
  const scanner = new StructureScanner(delimiter, () => undefined);
  try {
    for (let at = 0; at < bytes.length; ) {
      const size = 1 + Math.floor(random() * 8);
      const piece = Buffer.from(bytes.subarray(at, at + size));
      scanner.scan(piece, piece.length);
      at += size;
    }
    return scanner.finish();
  } catch (error) {
    return error as Error;
  }
}

/** What csv-parse makes of it, with the options the check used. */
function reference(text: string, delimiter: string): { records: number; columns: number } | Error {
  try {
    const records = parse(text, { delimiter, relax_column_count: false, skip_empty_lines: true, bom: true }) as string[][];
    return { records: records.length, columns: records[0]?.length ?? 0 };
  } catch (error) {
    return error as Error;
  }
}

/** A small CSV-ish text: fields of letters, spaces, quotes and delimiters, one kind of line end. */
function generated(random: () => number, delimiter: string): string {
  const pick = <T,>(items: T[]) => items[Math.floor(random() * items.length)] as T;
  const newline = pick(['\n', '\r\n']);
  const width = 1 + Math.floor(random() * 4);
  const field = () => {
    const kind = random();
    if (kind < 0.5) return pick(['a', 'bc', '', '1.5', ' x ', 'é']);
    if (kind < 0.8) return `"${pick(['a', `x${delimiter}y`, 'q""q', `l1${newline}l2`, ''])}"`;
    return pick(['a"b', '"open', '"a"b', '""', `"a${delimiter}`]); // often malformed
  };
  const lines: string[] = [];
  for (let row = 0; row < 1 + Math.floor(random() * 5); row++) {
    if (random() < 0.1) lines.push('');
    const w = random() < 0.85 ? width : 1 + Math.floor(random() * 4);
    lines.push(Array.from({ length: w }, field).join(delimiter));
  }
  const text = (random() < 0.1 ? '\uFEFF' : '') + lines.join(newline);
  return random() < 0.5 ? text + newline : text;
}

describe('the CSV structure check', () => {
  it('agrees with csv-parse on 5,000 generated files, valid and malformed, read in random pieces', () => {
    const random = seededRandom(11);
    let valid = 0;
    for (let i = 0; i < 5_000; i++) {
      const delimiter = i % 3 === 0 ? ';' : i % 3 === 1 ? ',' : '\t';
      const text = generated(random, delimiter);
      const expected = reference(text, delimiter);
      const got = scanned(text, delimiter, random);
      const label = JSON.stringify(text);
      if (expected instanceof Error) {
        expect(got, `${label}: csv-parse says ${expected.message}`).toBeInstanceOf(Error);
      } else {
        valid += 1;
        expect(got, label).toEqual(expected);
      }
    }
    // Both kinds were tried in numbers.
    expect(valid).toBeGreaterThan(1_000);
    expect(valid).toBeLessThan(4_000);
  });

  it('names the line of each kind of fault', () => {
    const check = (text: string) => {
      const result = scanned(text, ',', seededRandom(1));
      return result instanceof Error ? result.message : result;
    };
    expect(check('a,b\n1,2\n3,4,5\n')).toBe('malformed CSV at line 3: a record of 3 fields, where the header has 2');
    expect(check('a,b\r\n1,"two\r\nlines"\r\n3\r\n')).toBe('malformed CSV at line 4: a record of 1 fields, where the header has 2');
    expect(check('a,b\n1,x"y\n')).toBe('malformed CSV at line 2: a quote inside field 2, which does not start with one (quote the whole field and double the quotes in it)');
    expect(check('a,b\n"x"y,2\n')).toBe('malformed CSV at line 2: "y" follows the closing quote of field 1 (expected the delimiter or the end of the line)');
    expect(check('a,b\n1,2\n"open,3\n\n4,5\n')).toBe('malformed CSV at line 3: a quote opened here is never closed');
  });

  it('counts records and skips empty lines, whatever ends them', () => {
    const check = (text: string) => scanned(text, ',', seededRandom(2));
    expect(check('a,b\n\n1,2\n\n\n3,4')).toEqual({ records: 3, columns: 2 });
    expect(check('a,b\r\n1,2\r\n')).toEqual({ records: 2, columns: 2 });
    expect(check('a,b\r1,2\r')).toEqual({ records: 2, columns: 2 });
    expect(check('')).toEqual({ records: 0, columns: 0 });
  });
});
