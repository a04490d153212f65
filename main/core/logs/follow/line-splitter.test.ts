import { describe, expect, it } from 'vitest';
import { createLineSplitter } from './line-splitter';

const b = (s: string) => Buffer.from(s, 'utf8');

describe('createLineSplitter', () => {
  it('emits complete lines with their offsets and holds the partial last line until its newline', () => {
    const s = createLineSplitter(100, 1024);
    expect(s.push(b('one\ntw'), 100)).toEqual([{ text: 'one', offset: 100, end: 104, truncated: false }]);
    expect(s.committed).toBe(104);
    expect(s.pendingBytes).toBe(2);
    expect(s.push(b('o\r\nthree\n'), 106)).toEqual([
      { text: 'two', offset: 104, end: 109, truncated: false },
      { text: 'three', offset: 109, end: 115, truncated: false },
    ]);
    expect(s.committed).toBe(115);
    expect(s.flush()).toBeNull();
  });

  it('cuts a line over the cap at a character boundary, marks it, skips the rest and resumes after its newline', () => {
    // 'é' is two bytes: a cap of 9 falls inside the 5th one, so the head keeps 4 whole characters.
    const s9 = createLineSplitter(0, 9);
    expect(s9.push(b('éééééé'), 0)).toEqual([]);
    expect(s9.pendingBytes).toBe(9);
    expect(s9.push(b('x'.repeat(5000)), 12)).toEqual([]);
    expect(s9.pendingBytes).toBe(9); // never more than the cap, however long the line grows
    const out = s9.push(b('xx\nnext\n'), 5012);
    expect(out[0]).toEqual({ text: 'éééé', offset: 0, end: 5015, truncated: true });
    expect(out[1]).toEqual({ text: 'next', offset: 5015, end: 5020, truncated: false });
  });

  it('cuts an over-long line that arrives whole in one chunk', () => {
    const s = createLineSplitter(0, 4);
    expect(s.push(b('abcdefgh\nok\n'), 0)).toEqual([
      { text: 'abcd', offset: 0, end: 9, truncated: true },
      { text: 'ok', offset: 9, end: 12, truncated: false },
    ]);
  });

  it('replaces invalid UTF-8 and NUL with U+FFFD and never throws on binary garbage', () => {
    const s = createLineSplitter(0, 1024);
    const garbage = Buffer.from([0xff, 0xfe, 0x00, 0x41, 0xc3, 0x28, 0x0a]);
    const [line] = s.push(garbage, 0);
    expect(line!.text).toBe('\uFFFD\uFFFD\uFFFDA\uFFFD(');
    expect(line!.end).toBe(7);
  });

  it('flushes the held partial line (a finished file) with its true end', () => {
    const s = createLineSplitter(0, 3);
    s.push(b('ok\nabcdef'), 0);
    expect(s.flush()).toEqual({ text: 'abc', offset: 3, end: 9, truncated: true });
    expect(s.committed).toBe(9);
    expect(s.flush()).toBeNull();
  });
});
