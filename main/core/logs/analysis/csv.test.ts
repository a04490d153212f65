import { describe, expect, it } from 'vitest';
import { parseCsv, parseCsvRecords } from './csv';

describe('parseCsv', () => {
  it('reads quoted fields holding commas, doubled quotes and line breaks', () => {
    const text = 'a,b,c\n1,"x, y","say ""hi"""\n2,"two\nlines",\n';
    expect(parseCsv(text)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'say "hi"'],
      ['2', 'two\nlines', ''],
    ]);
  });

  it('takes CRLF and a last record without a line break; a quote inside a field is just a character', () => {
    expect(parseCsv('a,b\r\n1,x"y\r\n2,3')).toEqual([
      ['a', 'b'],
      ['1', 'x"y'],
      ['2', '3'],
    ]);
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('a,\n')).toEqual([['a', '']]);
  });

  it('names the source and line of a quote that is never closed', () => {
    expect(() => parseCsv('a\n"open\nstill', 'x.csv')).toThrow('x.csv: line 2: a quoted field is never closed');
  });
});

describe('parseCsvRecords', () => {
  it('keys each record by the header', () => {
    expect(parseCsvRecords('LineId,Content\n1,"a, b"\n')).toEqual([{ LineId: '1', Content: 'a, b' }]);
  });

  it('refuses a record whose field count differs from the header', () => {
    expect(() => parseCsvRecords('a,b\n1\n', 'y.csv')).toThrow('y.csv: record 1 has 1 fields, the header has 2');
  });
});
