import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSums, sha256File } from './sums';

const A = 'a'.repeat(64);
const B = 'B'.repeat(64);

describe('parseSums', () => {
  it("reads promu's text-mode lines (two spaces) and Jaeger's shasum -b lines (space, asterisk)", () => {
    const sums = parseSums(`${A}  prometheus-3.14.0.darwin-arm64.tar.gz\r\n${B} *jaeger-2.20.0-darwin-arm64.tar.gz\n\n# comment\n`);
    expect(sums.get('prometheus-3.14.0.darwin-arm64.tar.gz')).toBe(A);
    // Digests are compared lowercase whatever case the file uses.
    expect(sums.get('jaeger-2.20.0-darwin-arm64.tar.gz')).toBe(B.toLowerCase());
    expect(sums.size).toBe(2);
  });

  it('ignores lines that are not a 64-digit digest and a name', () => {
    const sums = parseSums(`${'a'.repeat(63)}  short.tar.gz\nnot a line\n${A}x  glued.tar.gz\n${A}  ./dotted.tar.gz\n`);
    expect([...sums.keys()]).toEqual(['dotted.tar.gz']);
  });

  it('refuses a file that lists one archive with two digests', () => {
    expect(() => parseSums(`${A}  x.tar.gz\n${'c'.repeat(64)}  x.tar.gz\n`)).toThrow(/x.tar.gz twice/);
  });
});

describe('sha256File', () => {
  it('hashes a file as sha256sum does', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-sums-'));
    try {
      const file = path.join(dir, 'f');
      await writeFile(file, 'hello\n');
      // `printf 'hello\n' | sha256sum`
      expect(await sha256File(file)).toBe('5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
